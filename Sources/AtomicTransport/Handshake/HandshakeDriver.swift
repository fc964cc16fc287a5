import Synchronization

/// Runs a handshake state machine over a fresh ``FrameLink``: sends what it says,
/// feeds it what arrives, and enforces the timeout.
enum HandshakeDriver {
    /// Frames larger than this are refused before the handshake completes, so an
    /// unauthenticated peer cannot make this node allocate much.
    static let maxHandshakeFrameSize = 16 << 10

    /// Performs the client side; on success returns the connection.
    static func connect(link: any FrameLink, parameters: HandshakeParameters, maxFrameSize: Int,
                        timeout: Duration) async throws(TransportError) -> Connection {
        var machine = ClientHandshake(parameters: parameters, nonce: randomNonce())
        return try await run(link: link, parameters: parameters, maxFrameSize: maxFrameSize, timeout: timeout,
                             first: machine.hello) { machine.receive($0) }
    }

    /// Performs the server side; on success returns the connection.
    static func accept(link: any FrameLink, parameters: HandshakeParameters, maxFrameSize: Int,
                       timeout: Duration) async throws(TransportError) -> Connection {
        var machine = ServerHandshake(parameters: parameters, nonce: randomNonce())
        return try await run(link: link, parameters: parameters, maxFrameSize: maxFrameSize, timeout: timeout,
                             first: nil) { machine.receive($0) }
    }

    private static func run(link: any FrameLink, parameters: HandshakeParameters, maxFrameSize: Int, timeout: Duration,
                            first: HandshakeMessage?,
                            step: (HandshakeMessage) -> HandshakeAction) async throws(TransportError) -> Connection {
        let timedOut = TimeoutFlag()
        let timer = Task {
            try await Task.sleep(for: timeout)
            timedOut.fired.store(true, ordering: .relaxed)
            link.abort()
        }
        defer { timer.cancel() }
        func failure(_ error: any Error) -> TransportError {
            if timedOut.fired.load(ordering: .relaxed) { return .handshake(.timedOut) }
            if let error = error as? TransportError { return error }
            return .connectionLost(detail: "\(error)")
        }
        do {
            if let first { try await link.send([frame(first)]) }
            while true {
                guard let incoming = try await link.inbox.next() else { throw TransportError.closedByPeer }
                guard incoming.kind == .handshake, let message = try? HandshakeMessage(wireBytes: incoming.payload) else {
                    let error = HandshakeError.notAtomicPeer
                    try? await link.send([frame(HandshakeMessage.refusal(for: error, version: parameters.version))])
                    throw TransportError.handshake(error)
                }
                switch step(message) {
                case let .send(reply):
                    if case .proof = reply { link.setMaxInboundFrameSize(maxFrameSize) }
                    try await link.send([frame(reply)])
                case let .complete(remote, reply):
                    link.setMaxInboundFrameSize(maxFrameSize)
                    if let reply { try await link.send([frame(reply)]) }
                    if timedOut.fired.load(ordering: .relaxed) { throw TransportError.handshake(.timedOut) }
                    return Connection(link: link, local: parameters.identity, remote: remote)
                case let .fail(error, reply):
                    if let reply {
                        try? await link.send([frame(reply)])
                        await link.close()
                    }
                    throw TransportError.handshake(error)
                }
            }
        } catch {
            let reported = failure(error)
            link.abort()
            throw reported
        }
    }

    private static func frame(_ message: HandshakeMessage) -> Frame {
        Frame(kind: .handshake, payload: message.wireBytes())
    }

    private static func randomNonce() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<HandshakeParameters.nonceSize).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}

/// Set when a handshake's timer fires, so the resulting failure reads as a timeout.
private final class TimeoutFlag: Sendable {
    let fired = Atomic(false)
}
