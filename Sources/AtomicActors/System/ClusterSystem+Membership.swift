// Joining, heartbeats, failure detection and membership events.

extension ClusterSystem {
    /// Events about other nodes, from now on: up, unreachable, reachable, down.
    public func membershipEvents() -> AsyncStream<MembershipEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: MembershipEvent.self)
        let id = state.withLock { s -> UInt64? in
            guard !s.shutDown else { return nil }
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            return s.nextSubscriber
        }
        if let id {
            continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        } else {
            continuation.finish()
        }
        return stream
    }

    /// What this node believes about `node`.
    public func status(of node: NodeIdentity) -> MemberStatus? {
        state.withLock { $0.membership.status(of: node) }
    }

    /// Nodes believed up or unreachable, excluding this one.
    public var members: [NodeIdentity] { state.withLock { $0.membership.liveMembers } }

    func isDown(_ node: NodeIdentity) -> Bool {
        state.withLock { $0.membership.status(of: node) == .down }
    }

    /// Joins through the seed: it answers with the members it knows, or
    /// refuses this node; returns once it has answered.
    ///
    /// - Throws: ``JoinError`` when the seed refuses or does not answer within
    ///   the call timeout; transport errors reaching it.
    func join(seed: Endpoint) async throws {
        let connection = try await transport.connect(to: seed)
        let answer = JoinAnswer()
        state.withLock { s in
            s.seed = connection.remote
            s.joinAnswer = answer
        }
        adopt(connection)
        heard(from: connection.remote)
        try await connection.send(Frame(kind: .message, payload: ControlMessage.join(identity).wireBytes()))
        try await answer.value(timeout: settings.callTimeout, timeSource: settings.timeSource, seed: seed)
    }

    /// The seed answered this node's join (or its connection ended first).
    func joinAnswered(_ result: Result<Void, any Error>) {
        let answer = state.withLock { s -> JoinAnswer? in
            defer { s.joinAnswer = nil }
            return s.joinAnswer
        }
        answer?.resolve(result)
    }

    func heard(from node: NodeIdentity, at now: Duration? = nil) {
        let now = now ?? settings.timeSource.now()
        apply { $0.heard(from: node, at: now) }
    }

    func handle(_ message: ControlMessage, from connection: Connection) {
        switch message {
        case let .join(node):
            // A node joins, and leaves, for itself only: on its own connection.
            guard node == connection.remote else {
                log("dropped a join for \(node) from \(connection.remote)")
                return
            }
            heard(from: node)
            let (status, members, others) = state.withLock { s in
                (s.membership.status(of: node), s.membership.liveMembers, s.peers.values.filter { $0.remote != node })
            }
            guard status == .up || status == .unreachable else {
                // Not tracked: at the limit with no down member to replace, or
                // an incarnation declared down. The node is told, not announced.
                let reason = status == .down
                    ? "\(node) was declared down; a restarted process joins with a new incarnation"
                    : "the seed tracks \(settings.maxMembers) other nodes, none of them down"
                log("refused the join of \(node): \(reason)")
                let refusal = ControlMessage.refused(reason).wireBytes()
                Task { try? await connection.send(Frame(kind: .message, payload: refusal)) }
                return
            }
            let snapshot = ControlMessage.members(members.filter { $0 != node } + [identity]).wireBytes()
            let news = ControlMessage.members([node]).wireBytes()
            Task {
                try? await connection.send(Frame(kind: .message, payload: snapshot))
                for peer in others { try? await peer.send(Frame(kind: .message, payload: news)) }
            }
        case let .members(nodes):
            // Member lists come from the seed only, and are bounded: another
            // peer could otherwise make this node track, and dial, made-up members.
            guard state.withLock({ $0.seed }) == connection.remote else {
                log("dropped a member list from \(connection.remote), which is not the seed")
                return
            }
            // The seed's list answers this node's join, whatever it holds.
            defer { joinAnswered(.success(())) }
            // The seed's answer to a join names the seed too.
            guard nodes.count <= settings.maxMembers + 1 else {
                log("dropped a member list of \(nodes.count) nodes from the seed (at most \(settings.maxMembers))")
                return
            }
            for node in nodes where node != identity { heard(from: node) }
        case let .refused(reason):
            guard let seed = state.withLock({ $0.seed }), seed == connection.remote else {
                log("dropped a refusal from \(connection.remote), which is not the seed")
                return
            }
            log("the seed refused this node: \(reason)")
            joinAnswered(.failure(JoinError.refused(seed: seed, reason: reason)))
        case let .leaving(node):
            guard node == connection.remote else {
                log("dropped a leave for \(node) from \(connection.remote)")
                return
            }
            apply { $0.markDown(node) }
        }
    }

    /// Runs a membership step and publishes its events; a node going down fails
    /// its calls in flight and drops its connection.
    func apply(_ step: (inout MembershipState) -> [MembershipEvent]) {
        let (events, subscribers) = state.withLock { s in
            let events = step(&s.membership)
            return (events, events.isEmpty ? [] : Array(s.subscribers.values))
        }
        guard !events.isEmpty else { return }
        for event in events {
            log("member \(event)")
            for subscriber in subscribers { subscriber.yield(event) }
            if case let .down(node) = event {
                failCalls(to: node, with: .nodeDown(node))
                let connection = state.withLock { s -> Connection? in
                    guard let c = s.peers[node.endpoint], c.remote == node else { return nil }
                    s.peers.removeValue(forKey: node.endpoint)
                    return c
                }
                connection?.abort()
            }
        }
    }

    func startLoops() {
        let accept = Task { [self] in await acceptLoop() }
        let heartbeat = Task { [self] in await heartbeatLoop() }
        let timeouts = Task { [self] in await timeoutLoop() }
        state.withLock { $0.loops += [accept, heartbeat, timeouts] }
    }

    /// Every interval: tell each live member this node is alive, then let the
    /// failure detector judge the silence of the others. Heartbeats go only over
    /// open connections; a member without one is dialled in the background, so a
    /// dead member's connect timeouts never delay the heartbeats of the living.
    private func heartbeatLoop() async {
        while !Task.isCancelled {
            let (members, connections) = state.withLock { s in (s.membership.liveMembers, s.peers) }
            for member in members {
                if let connection = connections[member.endpoint], connection.remote == member {
                    try? await connection.send(Frame(kind: .heartbeat))
                } else {
                    dialInBackground(member)
                }
            }
            let now = settings.timeSource.now()
            apply { $0.tick(now: now) }
            do { try await settings.timeSource.sleep(for: settings.heartbeatInterval) } catch { return }
        }
    }

    /// Opens a connection to `member` unless one is being opened already.
    private func dialInBackground(_ member: NodeIdentity) {
        let busy = state.withLock { $0.connecting[member.endpoint] != nil || $0.shutDown }
        guard !busy else { return }
        Task { _ = try? await peer(for: member) }
    }

    private func timeoutLoop() async {
        while !Task.isCancelled {
            sweepTimeouts()
            do { try await settings.timeSource.sleep(for: settings.timeoutSweepInterval) } catch { return }
        }
    }
}
