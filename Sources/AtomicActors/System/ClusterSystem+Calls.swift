// Outgoing remote calls and their replies.

extension ClusterSystem {
    /// Sends a call to a remote actor and decodes its result.
    public func remoteCall<Act, Err, Res>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder,
        throwing: Err.Type, returning: Res.Type
    ) async throws -> Res where Act: DistributedActor, Act.ID == ActorID, Err: Error, Res: WireCodable {
        switch try await call(actor.id, target: target, invocation: invocation) {
        case let .value(bytes):
            do { return try Res(wireBytes: bytes) } catch {
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
        switch try await call(actor.id, target: target, invocation: invocation) {
        case .void, .value: return
        case let .thrown(typeName, message): throw RemoteCallError.remote(typeName: typeName, message: message)
        case let .failed(error): throw error
        }
    }

    private func call(_ recipient: ActorAddress, target: RemoteCallTarget, invocation: InvocationEncoder) async throws -> ReplyEnvelope {
        let node = recipient.node
        if node == identity { throw RemoteCallError.actorNotFound(recipient) }
        if isDown(node) { throw RemoteCallError.nodeDown(node) }
        let connection = try await peer(for: node)
        let id = correlation.add(1, ordering: .relaxed).newValue
        let timeout = ClusterSystem.callTimeout ?? settings.callTimeout
        let envelope = CallEnvelope(recipient: recipient, target: target.identifier,
                                    genericSubstitutions: invocation.genericSubstitutions, arguments: invocation.arguments)
        let registered = state.withLock { s -> Bool in
            guard !s.shutDown else { return false }
            s.pending[id] = PendingCall(node: node, target: target.identifier,
                                        deadline: settings.timeSource.now() + timeout, timeout: timeout)
            return true
        }
        guard registered else { throw RemoteCallError.systemShutDown }
        do {
            try await connection.send(Frame(kind: .request, correlationID: id, payload: envelope.wireBytes()))
        } catch {
            complete(id, with: .failure(RemoteCallError.nodeUnreachable(node, reason: "\(error)")))
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ReplyEnvelope, any Error>) in
                let ready: Result<ReplyEnvelope, any Error>? = state.withLock { s in
                    guard var call = s.pending[id] else { return .failure(RemoteCallError.systemShutDown) }
                    if case let .arrived(result) = call.slot {
                        s.pending.removeValue(forKey: id)
                        return result
                    }
                    call.slot = .waiting(continuation)
                    s.pending[id] = call
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            complete(id, with: .failure(CancellationError()))
        }
    }

    /// Delivers the outcome of call `id` to its caller, once, whether or not it
    /// has parked yet. Later outcomes for the same call are ignored.
    func complete(_ id: UInt64, with result: Result<ReplyEnvelope, any Error>) {
        let waiter: CheckedContinuation<ReplyEnvelope, any Error>? = state.withLock { s in
            guard var call = s.pending[id] else { return nil }
            switch call.slot {
            case .empty:
                call.slot = .arrived(result)
                s.pending[id] = call
                return nil
            case let .waiting(continuation):
                s.pending.removeValue(forKey: id)
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
        let ids = state.withLock { s in s.pending.filter { $0.value.node == node }.map(\.key) }
        for id in ids { complete(id, with: .failure(error)) }
    }

    /// Fails calls whose deadline has passed.
    func sweepTimeouts() {
        let now = settings.timeSource.now()
        let expired = state.withLock { s in s.pending.filter { $0.value.deadline <= now }.map { ($0.key, $0.value) } }
        for (id, call) in expired {
            complete(id, with: .failure(RemoteCallError.timedOut(target: call.target, node: call.node, after: call.timeout)))
        }
    }
}
