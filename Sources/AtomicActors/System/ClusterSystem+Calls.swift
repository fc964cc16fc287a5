// Outgoing remote calls and their replies.

extension ClusterSystem {
    /// Sends a call to a remote actor and decodes its result.
    public func remoteCall<Act, Err, Res>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder,
        throwing: Err.Type, returning: Res.Type
    ) async throws -> Res where Act: DistributedActor, Act.ID == ActorID, Err: Error, Res: WireCodable {
        let payload = try await call(actor.id, target: target, invocation: invocation)
        var reader = WireReader(payload)
        switch try Self.decodeReply(&reader, target: target) {
        case .value:
            do {
                let value = try Res(from: &reader)
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

    /// Sends a call to a remote actor whose function returns nothing.
    public func remoteCallVoid<Act, Err>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type
    ) async throws where Act: DistributedActor, Act.ID == ActorID, Err: Error {
        let payload = try await call(actor.id, target: target, invocation: invocation)
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

    /// Sends the call and waits for its reply's payload.
    private func call(_ recipient: ActorAddress, target: RemoteCallTarget, invocation: InvocationEncoder) async throws -> [UInt8] {
        let node = recipient.node
        if node == identity { throw RemoteCallError.actorNotFound(recipient) }
        let connection = try await route(to: node)
        let id = correlation.add(1, ordering: .relaxed).newValue
        let timeout = ClusterSystem.callTimeout ?? settings.callTimeout
        let payload = CallEnvelope.payload(recipient: recipient, target: target.identifier, invocation: invocation)
        let call = PendingCall(node: node, target: target.identifier, deadline: settings.timeSource.now() + timeout, timeout: timeout)
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
                    guard var call = c.pending[id] else { return .failure(RemoteCallError.systemShutDown) }
                    if case let .arrived(result) = call.slot {
                        c.pending.removeValue(forKey: id)
                        return result
                    }
                    call.slot = .waiting(continuation)
                    c.pending[id] = call
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            complete(id, with: .failure(CancellationError()))
        }
    }

    /// The connection for a call to `node`, checked in one look at the system's
    /// state (shut down, node down, connection open); opens one when there is none.
    private func route(to node: NodeIdentity) async throws -> Connection {
        let open: Result<Connection, any Error>? = state.withLock { s in
            if s.shutDown { return .failure(RemoteCallError.systemShutDown) }
            if s.membership.status(of: node) == .down { return .failure(RemoteCallError.nodeDown(node)) }
            guard let connection = s.peers[node.endpoint] else { return nil }
            guard connection.remote.incarnation == node.incarnation else { return .failure(RemoteCallError.nodeDown(node)) }
            return .success(connection)
        }
        if let open { return try open.get() }
        return try await peer(for: node)
    }

    /// Delivers the outcome of call `id` to its caller, once, whether or not it
    /// has parked yet. Later outcomes for the same call are ignored.
    func complete(_ id: UInt64, with result: Result<[UInt8], any Error>) {
        let waiter: UnsafeContinuation<[UInt8], any Error>? = calls.withLock { c in
            guard var call = c.pending[id] else { return nil }
            switch call.slot {
            case .empty:
                call.slot = .arrived(result)
                c.pending[id] = call
                return nil
            case let .waiting(continuation):
                c.pending.removeValue(forKey: id)
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

    /// Fails calls whose deadline has passed.
    func sweepTimeouts() {
        let now = settings.timeSource.now()
        let expired = calls.withLock { c in c.pending.filter { $0.value.deadline <= now }.map { ($0.key, $0.value) } }
        for (id, call) in expired {
            complete(id, with: .failure(RemoteCallError.timedOut(target: call.target, node: call.node, after: call.timeout)))
        }
    }
}
