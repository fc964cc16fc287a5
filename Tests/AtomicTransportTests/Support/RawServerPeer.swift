import Foundation
@testable import AtomicTransport

/// A hand-driven server on a blocking socket: it performs a correct handshake
/// with the internal state machine, then runs a script of raw writes, so tests can
/// play a peer that misbehaves after connecting (dies mid-frame, vanishes).
struct RawServerPeer: Sendable {
    let socket: BlockingSocket
    let endpoint: Endpoint

    init(listener: (BlockingSocket, UInt16)) {
        socket = listener.0
        endpoint = Endpoint(host: "127.0.0.1", port: listener.1)
    }

    /// Accepts one connection, completes the handshake, then runs `script` on it.
    func run(_ script: @escaping @Sendable (BlockingSocket) throws -> Void) -> ThreadResult<Void> {
        let listening = socket
        let identity = NodeIdentity(endpoint: endpoint, incarnation: 77)
        return Thread.detachNewThreadWithResult {
            let connection = try listening.accept()
            var machine = ServerHandshake(parameters: HandshakeParameters(identity: identity), nonce: [UInt8](repeating: 3, count: 32))
            var decoder = FrameDecoder()
            var done = false
            while !done {
                let bytes = try connection.readSome()
                guard !bytes.isEmpty else { throw TransportError.closedByPeer }
                for frame in try decoder.feed(bytes) {
                    switch machine.receive(try HandshakeMessage(wireBytes: frame.payload)) {
                    case let .send(reply):
                        try connection.write(Frame(kind: .handshake, payload: reply.wireBytes()).encoded())
                    case let .complete(_, reply):
                        if let reply { try connection.write(Frame(kind: .handshake, payload: reply.wireBytes()).encoded()) }
                        done = true
                    case let .fail(error, _):
                        throw TransportError.handshake(error)
                    }
                }
            }
            try script(connection)
            listening.close()
        }
    }
}
