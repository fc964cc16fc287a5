// Outgoing remote calls and their replies.

extension ClusterSystem {
    /// Sends a call to a remote actor and decodes its result.
    ///
    /// Runs on the caller's executor (`nonisolated(nonsending)`), so that it
    /// makes no executor switch of its own. The compiler's distributed thunks
    /// call it from the generic executor today; a compiler whose thunks inherit
    /// the caller's isolation would run the encoding of the arguments and the
    /// decoding of the result on the calling actor (they take microseconds).
    nonisolated(nonsending) public func remoteCall<Act, Err, Res>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder,
        throwing: Err.Type, returning: Res.Type
    ) async throws -> Res where Act: DistributedActor, Act.ID == ActorID, Err: Error, Res: WireCodable {
        let payload = try await call(actor.id, target: target, invocation: &invocation)
        var reader = WireReader(payload)
        switch try Self.decodeReply(&reader, target: target) {
        case .value:
            do {
                let value = try SpecializedCoding.decode(Res.self, from: &reader)
                try reader.finish()
                return value
            } catch {
                throw RemoteCallError.malformedReply("\(target.identifier): \(error)")
            }
        case .void:
            throw RemoteCallError.malformedReply("\(target.identifier): no value in reply")
        case let .thrown(typeName, message):
            throw RemoteCallError.remote(typeName: typeName, message: message)
        case let .failed(error):
            throw error
        }
    }

    /// Sends a call to a remote actor whose function returns nothing; runs on
    /// the caller's executor, as ``remoteCall(on:target:invocation:throwing:returning:)`` does.
    nonisolated(nonsending) public func remoteCallVoid<Act, Err>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type
    ) async throws where Act: DistributedActor, Act.ID == ActorID, Err: Error {
        let payload = try await call(actor.id, target: target, invocation: &invocation)
        var reader = WireReader(payload)
        switch try Self.decodeReply(&reader, target: target) {
        case .void, .value: return
        case let .thrown(typeName, message): throw RemoteCallError.remote(typeName: typeName, message: message)
        case let .failed(error): throw error
        }
    }

    /// Reads a reply's envelope; a value's bytes are left in `reader`.
    private static func decodeReply(_ reader: inout WireReader, target: RemoteCallTarget) throws -> ReplyEnvelope {
        do {
            let envelope = try ReplyEnvelope(from: &reader)
            if case .value = envelope { return envelope }
            try reader.finish()
            return envelope
        } catch {
            throw RemoteCallError.malformedReply("\(target.identifier): \(error)")
        }
    }

    /// Sends the call and waits for its reply's payload. Inlined into the
    /// `remoteCall`s, which saves the executor checks of a call and a return.
    @inline(__always)
    nonisolated(nonsending) private func call(_ recipient: ActorAddress, target: RemoteCallTarget, invocation: inout InvocationEncoder) async throws -> [UInt8] {
        let node = recipient.node
        if node == identity { throw RemoteCallError.actorNotFound(recipient) }
        let connection: Connection
        if let open = try openRoute(to: node) { connection = open } else { connection = try await peer(for: node) }
        let id = correlation.add(1, ordering: .relaxed).newValue
        let timeout = ClusterSystem.callTimeout ?? settings.callTimeout
        let payload = CallEnvelope.payload(recipient: recipient, target: target.identifier, invocation: &invocation)
        // No clock is read here: the next sweep gives the call its deadline.
        let call = PendingCall(node: node, target: target.identifier, timeout: timeout)
        let registered = calls.withLock { c -> Bool in
            guard !c.closed else { return false }
            c.pending[id] = call
            return true
        }
        guard registered else { throw RemoteCallError.systemShutDown }
        do {
            try await connection.send(Frame(kind: .request, correlationID: id, payload: payload))
        } catch {
            complete(id, with: .failure(RemoteCallError.nodeUnreachable(node, reason: "\(error)")))
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<[UInt8], any Error>) in
                let ready: Result<[UInt8], any Error>? = calls.withLock { c in
                    // The entry is changed in place: copying a PendingCall out
                    // and back costs retains of its fields on every call.
                    guard let index = c.pending.index(forKey: id) else { return .failure(RemoteCallError.systemShutDown) }
                    if case let .arrived(result) = c.pending.values[index].slot {
                        c.pending.remove(at: index)
                        return result
                    }
                    c.pending.values[index].slot = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            complete(id, with: .failure(CancellationError()))
        }
    }

    /// The open connection for a call to `node`, checked in one look at the
    /// system's state (shut down, node down, connection open); nil when there
    /// is none yet. Not async, so that the usual call awaits nothing here.
    private func openRoute(to node: NodeIdentity) throws -> Connection? {
        let open: Result<Connection, any Error>? = state.withLock { s in
            if s.shutDown { return .failure(RemoteCallError.systemShutDown) }
            if let last = s.lastRoute, last.node == node { return .success(last.connection) }
            if s.membership.status(of: node) == .down { return .failure(RemoteCallError.nodeDown(node)) }
            guard let connection = s.peers[node.endpoint] else { return nil }
            guard connection.remote.incarnation == node.incarnation else { return .failure(RemoteCallError.nodeDown(node)) }
            s.lastRoute = Route(node: node, connection: connection)
            return .success(connection)
        }
        return try open?.get()
    }

    /// Delivers the outcome of call `id` to its caller, once, whether or not it
    /// has parked yet. Later outcomes for the same call are ignored, and so is
    /// a reply `from` a node other than the one the call went to.
    func complete(_ id: UInt64, with result: Result<[UInt8], any Error>, from node: NodeIdentity? = nil) {
        let waiter: UnsafeContinuation<[UInt8], any Error>? = calls.withLock { c in
            guard let index = c.pending.index(forKey: id) else { return nil }
            if let node, c.pending.values[index].node != node { return nil }
            switch c.pending.values[index].slot {
            case .empty:
                c.pending.values[index].slot = .arrived(result)
                return nil
            case let .waiting(continuation):
                c.pending.remove(at: index)
                return continuation
            case .arrived:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    /// Fails every call in flight to `node` with `error` (its connection was lost,
    /// or it went down).
    func failCalls(to node: NodeIdentity, with error: RemoteCallError) {
        let ids = calls.withLock { c in c.pending.filter { $0.value.node == node }.map(\.key) }
        for id in ids { complete(id, with: .failure(error)) }
    }

    /// Fails calls whose deadline has passed, and gives calls made since the
    /// last sweep their deadline: their timeout from now, which is no earlier
    /// than they were made. A call thus fails between its timeout and its
    /// timeout plus two sweep intervals after it was made, and making a call
    /// reads no clock.
    func sweepTimeouts() {
        let now = settings.timeSource.now()
        let expired = calls.withLock { c -> [(UInt64, PendingCall)] in
            var expired: [(UInt64, PendingCall)] = []
            for index in c.pending.indices {
                guard let deadline = c.pending.values[index].deadline else {
                    c.pending.values[index].deadline = now + c.pending.values[index].timeout
                    continue
                }
                if deadline <= now { expired.append((c.pending.keys[index], c.pending.values[index])) }
            }
            return expired
        }
        for (id, call) in expired {
            complete(id, with: .failure(RemoteCallError.timedOut(target: call.target, node: call.node, after: call.timeout)))
        }
    }
}
