import Synchronization

/// One end of an in-memory connection. Frames go straight into the peer's inbox,
/// through the network's faults; a sender feels backpressure when the peer's inbox
/// is over its high-water mark, as with TCP.
final class InMemoryLink: FrameLink {
    private struct State {
        var peer: InMemoryLink?
        var failure: TransportError?
        var maxInbound = HandshakeDriver.maxHandshakeFrameSize
        var delayed: AsyncStream<(ContinuousClock.Instant, [Frame])>.Continuation?
    }

    let inbox: FrameInbox
    let label: String
    let localHost: String
    let remoteHost: String
    /// The transport that made or accepted this end.
    let owner: ObjectIdentifier
    private let network: InMemoryNetwork
    private let state = Mutex(State())

    init(network: InMemoryNetwork, owner: ObjectIdentifier, localHost: String, remoteHost: String,
         configuration: TransportConfiguration) {
        self.network = network
        self.owner = owner
        self.localHost = localHost
        self.remoteHost = remoteHost
        self.label = "\(localHost) -> \(remoteHost)"
        self.inbox = FrameInbox(highWater: configuration.inboundHighWater)
        network.track(self)
    }

    /// Joins two fresh ends.
    static func connect(_ a: InMemoryLink, _ b: InMemoryLink) {
        a.state.withLock { $0.peer = b }
        b.state.withLock { $0.peer = a }
    }

    func setMaxInboundFrameSize(_ size: Int) {
        state.withLock { $0.maxInbound = size }
    }

    func send(_ frames: [Frame]) async throws {
        let peer = try state.withLock { (s: inout State) throws(TransportError) -> InMemoryLink in
            if let failure = s.failure { throw failure }
            guard let peer = s.peer else { preconditionFailure("Internal inconsistency: in-memory link without a peer") }
            return peer
        }
        let (survivors, delay) = network.route(from: localHost, to: remoteHost, frames)
        guard !survivors.isEmpty else { return }
        if delay > .zero {
            delayedStream().yield((ContinuousClock.now + delay, survivors))
        } else {
            try await peer.receive(survivors)
        }
    }

    /// Delayed frames go through one ordered stream per link, drained by one task.
    private func delayedStream() -> AsyncStream<(ContinuousClock.Instant, [Frame])>.Continuation {
        state.withLock { s in
            if let existing = s.delayed { return existing }
            let (stream, continuation) = AsyncStream.makeStream(of: (ContinuousClock.Instant, [Frame]).self)
            s.delayed = continuation
            let peer = s.peer
            Task {
                for await (due, frames) in stream {
                    try? await Task.sleep(until: due, clock: .continuous)
                    try? await peer?.receive(frames)
                }
            }
            return continuation
        }
    }

    /// Accepts frames from the peer, enforcing the frame-size limit like a decoder would.
    private func receive(_ frames: [Frame]) async throws {
        let limit = state.withLock { $0.maxInbound }
        var delivered: [Frame] = []
        delivered.reserveCapacity(frames.count)
        for frame in frames {
            if frame.kind == .goodbye {
                try await inbox.enqueueWaitingForSpace(delivered)
                end(error: .closedByPeer, inboxEnding: .success(()), notifyPeer: nil)
                return
            }
            if Frame.headerSize + frame.payload.count > limit {
                try await inbox.enqueueWaitingForSpace(delivered)
                let error = TransportError.framing(.frameTooLarge(length: Frame.headerSize + frame.payload.count, limit: limit))
                end(error: error, inboxEnding: .failure(error), notifyPeer: .connectionLost(detail: "peer closed the connection: \(error)"))
                return
            }
            delivered.append(frame)
        }
        try await inbox.enqueueWaitingForSpace(delivered)
    }

    func close() async {
        guard state.withLock({ $0.failure == nil }) else { return }
        try? await send([Frame(kind: .goodbye)])
        end(error: .closedLocally, inboxEnding: .success(()), notifyPeer: nil)
    }

    func abort() {
        end(error: .closedLocally, inboxEnding: .failure(.closedLocally),
            notifyPeer: .connectionLost(detail: "peer \(localHost) vanished"))
    }

    /// Fails this end once; optionally fails the peer's end with `notifyPeer`.
    private func end(error: TransportError, inboxEnding: Result<Void, TransportError>, notifyPeer: TransportError?) {
        let (first, peer, delayed) = state.withLock { s -> (Bool, InMemoryLink?, AsyncStream<(ContinuousClock.Instant, [Frame])>.Continuation?) in
            guard s.failure == nil else { return (false, nil, nil) }
            s.failure = error
            let peer = s.peer
            s.peer = nil
            let d = s.delayed
            s.delayed = nil
            return (true, peer, d)
        }
        guard first else { return }
        delayed?.finish()
        inbox.finish(inboxEnding)
        network.untrack(self)
        if let notifyPeer, let peer {
            peer.end(error: notifyPeer, inboxEnding: .failure(notifyPeer), notifyPeer: nil)
        }
    }
}
