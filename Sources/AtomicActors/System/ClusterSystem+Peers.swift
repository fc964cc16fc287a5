// Connections to peers, and what arrives on them.

extension ClusterSystem {
    /// The connection to `node`, opened (once, however many callers ask at the
    /// same time) when there is none.
    func peer(for node: NodeIdentity) async throws -> Connection {
        let existing: Result<Connection, any Error>? = state.withLock { s in
            if s.shutDown { return .failure(RemoteCallError.systemShutDown) }
            if let connection = s.peers[node.endpoint] { return .success(connection) }
            return nil
        }
        if let existing { return try check(existing.get(), for: node) }
        let task = state.withLock { s -> Task<Connection, any Error> in
            if let task = s.connecting[node.endpoint] { return task }
            let task = Task { [transport] in try await transport.connect(to: node.endpoint) }
            s.connecting[node.endpoint] = task
            return task
        }
        let connection: Connection
        do {
            connection = try await task.value
        } catch {
            state.withLock { s in if s.connecting[node.endpoint] == task { s.connecting.removeValue(forKey: node.endpoint) } }
            throw RemoteCallError.nodeUnreachable(node, reason: "\(error)")
        }
        let winner = adopt(connection)
        // A connection the peer dialled at the same time stays open (the peer may route over it).
        state.withLock { s in if s.connecting[node.endpoint] == task { s.connecting.removeValue(forKey: node.endpoint) } }
        return try check(winner, for: node)
    }

    /// A connection reaches the asked-for incarnation only; a restarted process at
    /// the same address is another node.
    private func check(_ connection: Connection, for node: NodeIdentity) throws -> Connection {
        guard connection.remote.incarnation == node.incarnation else { throw RemoteCallError.nodeDown(node) }
        return connection
    }

    /// Registers `connection` (outbound or accepted) and starts reading it; returns
    /// the connection now registered for that peer, which may be an earlier one.
    @discardableResult
    func adopt(_ connection: Connection) -> Connection {
        let adopted = state.withLock { s -> Connection? in
            if s.shutDown { return nil }
            if let existing = s.peers[connection.remote.endpoint], existing.remote == connection.remote {
                // Both sides dialled at once: keep reading the second connection too,
                // but route calls over the first.
                startReader(connection, &s)
                return existing
            }
            s.peers[connection.remote.endpoint] = connection
            startReader(connection, &s)
            return connection
        }
        guard let adopted else {
            connection.abort()
            return connection
        }
        return adopted
    }

    private func startReader(_ connection: Connection, _ s: inout State) {
        let key = ObjectIdentifier(connection)
        guard s.readers[key] == nil, !s.shutDown else { return }
        s.readers[key] = Task { [self] in
            await read(connection)
            state.withLock { s in
                s.readers.removeValue(forKey: key)
                if s.peers[connection.remote.endpoint] === connection { s.peers.removeValue(forKey: connection.remote.endpoint) }
            }
        }
    }

    /// Accepts connections until the listener closes.
    func acceptLoop() async {
        for await connection in listener.connections {
            log("accepted \(connection.remote)")
            adopt(connection)
        }
    }

    /// Handles frames from one peer until the connection ends; then fails the
    /// calls that were waiting for replies on it.
    private func read(_ connection: Connection) async {
        let remote = connection.remote
        var ending = "closed"
        // Hearing from the peer is recorded at most a few times per heartbeat
        // interval, not once per burst of frames.
        let heardEvery = settings.heartbeatInterval / 8
        var lastHeard: Duration?
        var recent = RecentCalls(shared: names, targets: targets)
        let permits = CallPermits(limit: settings.maxCallsPerConnection)
        do {
            while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                let now = settings.timeSource.now()
                if lastHeard.map({ now - $0 >= heardEvery }) ?? true {
                    heard(from: remote, at: now)
                    lastHeard = now
                }
                for frame in batch {
                    switch frame.kind {
                    case .oneWay: await deliverOneWay(frame)
                    case .request:
                        await permits.acquire()
                        handle(frame, from: connection, recent: &recent, permits: permits)
                    default: handle(frame, from: connection, recent: &recent, permits: permits)
                    }
                }
            }
        } catch {
            ending = "\(error)"
        }
        log("connection to \(remote) ended: \(ending)")
        let error: RemoteCallError = isDown(remote) ? .nodeDown(remote) : .nodeUnreachable(remote, reason: "connection lost: \(ending)")
        failCalls(to: remote, with: error)
        // A join the seed had not answered yet fails now rather than at its timeout.
        if state.withLock({ $0.seed }) == remote { joinAnswered(.failure(error)) }
    }

    /// Handles one frame that is not one-way; a request must hold one of `permits`, which its call gives back.
    private func handle(_ frame: Frame, from connection: Connection, recent: inout RecentCalls, permits: CallPermits) {
        switch frame.kind {
        case .reply:
            // Decoded by the caller, which knows the value's type. Only the
            // node a call went to answers it: another peer's reply with the
            // same correlation id is dropped.
            complete(frame.correlationID, with: .success(frame.payload), from: connection.remote)
        case .request:
            // The call's header is read and its actor found here, with what
            // this reader remembers; the call itself runs in a task of its own.
            let handler = WireResultHandler(connection: connection, correlationID: frame.correlationID)
            let work = IncomingWork(call: incomingCall(frame.payload, recent: &recent), handler: handler, permits: permits)
            if !servers.handOff(work) {
                Task { await serveCalls(from: work) }
            }
        case .message:
            guard let message = try? ControlMessage(wireBytes: frame.payload) else {
                log("dropped a malformed control message from \(connection.remote)")
                return
            }
            handle(message, from: connection)
        case .heartbeat:
            break
        default:
            log("dropped a frame of \(frame.kind) from \(connection.remote)")
        }
    }

    /// An incoming call's envelope and the local actor it names, or the reply
    /// that says why it cannot run.
    private func incomingCall(_ payload: [UInt8], recent: inout RecentCalls) -> IncomingCall {
        let envelope: CallEnvelope
        do { envelope = try CallEnvelope(payload: payload, localNode: identityBytes, recent: &recent) } catch {
            return .refused(.failed(.invocationFailed(target: "?", reason: "malformed call: \(error)")))
        }
        guard envelope.otherNode == nil || envelope.otherNode == identity else {
            return .refused(.failed(.actorNotFound(envelope.recipient(localNode: identity))))
        }
        let epoch = actorsEpoch.load(ordering: .acquiring)
        if let actor = recent.actor(at: envelope.path, epoch: epoch) { return .found(envelope, actor) }
        guard let actor = state.withLock({ $0.actors[envelope.path]?.actor }) else {
            return .refused(.failed(.actorNotFound(envelope.recipient(localNode: identity))))
        }
        recent.remember(actor, at: envelope.path, epoch: epoch)
        return .found(envelope, actor)
    }

    /// Runs `first`, then whatever calls ``servers`` hand this task, until it
    /// is told to end.
    nonisolated(nonsending) private func serveCalls(from first: IncomingWork) async {
        var next: IncomingWork? = first
        while let work = next {
            await serve(work.call, handler: work.handler)
            work.permits.release()
            next = await servers.next()
        }
    }

    /// Runs an incoming call on the local actor it names and replies.
    nonisolated(nonsending) private func serve(_ call: IncomingCall, handler: WireResultHandler) async {
        let envelope: CallEnvelope, actor: any DistributedActor
        switch call {
        case let .found(found, on): (envelope, actor) = (found, on)
        case let .refused(reply):
            try? await handler.reply(reply)
            return
        }
        var decoder = WireInvocationDecoder(envelope: envelope, types: types)
        do {
            try await execute(envelope, on: actor, decoder: &decoder, handler: handler)
        } catch {
            let reason = (error as? RemoteCallError)?.description ?? "\(error)"
            try? await handler.reply(.failed(.invocationFailed(target: envelope.target, reason: reason)))
        }
    }
}

/// An incoming call as its connection's reader found it.
enum IncomingCall: Sendable {
    /// The call and the local actor it names.
    case found(CallEnvelope, any DistributedActor)
    /// The call cannot run; the reply says why.
    case refused(ReplyEnvelope)
}
