/// What a handshake side must do after a step.
enum HandshakeAction: Equatable {
    /// Send this message and wait for the next one.
    case send(HandshakeMessage)
    /// The handshake succeeded with `remote`; send `message` first if given.
    case complete(remote: NodeIdentity, send: HandshakeMessage?)
    /// The handshake failed; send `message` (a refusal) first if given, then close.
    case fail(HandshakeError, send: HandshakeMessage?)
}

/// The values both sides of a handshake are configured with.
struct HandshakeParameters: Sendable {
    /// The protocol version this build speaks.
    static let protocolVersion: UInt16 = 1
    /// Bytes of each side's random challenge.
    static let nonceSize = 32

    var version: UInt16 = HandshakeParameters.protocolVersion
    var identity: NodeIdentity
    var secret: ClusterSecret?
}

/// The MAC that proves knowledge of the secret, bound to both challenges and
/// identities and to the prover's role, so a proof can be neither replayed on
/// another connection nor reflected back at its sender.
func handshakeProof(secret: ClusterSecret, role: String, clientNonce: [UInt8], serverNonce: [UInt8],
                    client: NodeIdentity, server: NodeIdentity) -> [UInt8] {
    var transcript = WireWriter(capacity: 160)
    transcript.write("atomic-handshake-v1/" + role)
    transcript.write(clientNonce)
    transcript.write(serverNonce)
    transcript.write(client)
    transcript.write(server)
    return HMACSHA256.authenticationCode(for: transcript.bytes, key: secret.key)
}

/// The connecting side of the handshake, as a pure state machine.
struct ClientHandshake {
    private enum State {
        case awaitingWelcome
        case awaitingAcceptance(remote: NodeIdentity)
        case finished
    }

    let parameters: HandshakeParameters
    let nonce: [UInt8]
    private var state = State.awaitingWelcome

    init(parameters: HandshakeParameters, nonce: [UInt8]) {
        self.parameters = parameters
        self.nonce = nonce
    }

    /// The first message to send.
    var hello: HandshakeMessage {
        .hello(version: parameters.version, identity: parameters.identity, nonce: nonce, authenticates: parameters.secret != nil)
    }

    mutating func receive(_ message: HandshakeMessage) -> HandshakeAction {
        switch (state, message) {
        case let (.awaitingWelcome, .welcome(version, remote, serverNonce, serverProof)):
            guard version == parameters.version else {
                return fail(.versionMismatch(local: parameters.version, remote: version), tellPeer: true)
            }
            guard serverNonce.count == HandshakeParameters.nonceSize else {
                return fail(.protocolViolation("server challenge of \(serverNonce.count) bytes"), tellPeer: true)
            }
            guard let secret = parameters.secret else {
                guard serverProof.isEmpty else { return fail(.protocolViolation("unexpected server proof"), tellPeer: true) }
                state = .awaitingAcceptance(remote: remote)
                return .send(.proof([]))
            }
            guard !serverProof.isEmpty else { return fail(.secretRequired, tellPeer: true) }
            let expected = handshakeProof(secret: secret, role: "server", clientNonce: nonce, serverNonce: serverNonce,
                                          client: parameters.identity, server: remote)
            guard HMACSHA256.constantTimeEquals(serverProof, expected) else { return fail(.authenticationFailed, tellPeer: true) }
            state = .awaitingAcceptance(remote: remote)
            return .send(.proof(handshakeProof(secret: secret, role: "client", clientNonce: nonce, serverNonce: serverNonce,
                                               client: parameters.identity, server: remote)))
        case let (.awaitingAcceptance(remote), .accepted):
            state = .finished
            return .complete(remote: remote, send: nil)
        case let (.awaitingWelcome, .refused(code, version, reason)), let (.awaitingAcceptance, .refused(code, version, reason)):
            return fail(HandshakeMessage.error(forRefusal: code, remoteVersion: version, reason: reason, localVersion: parameters.version),
                        tellPeer: false)
        default:
            return fail(.protocolViolation("unexpected message in client handshake"), tellPeer: true)
        }
    }

    private mutating func fail(_ error: HandshakeError, tellPeer: Bool) -> HandshakeAction {
        state = .finished
        return .fail(error, send: tellPeer ? HandshakeMessage.refusal(for: error, version: parameters.version) : nil)
    }
}

/// The accepting side of the handshake, as a pure state machine.
struct ServerHandshake {
    private enum State {
        case awaitingHello
        case awaitingProof(remote: NodeIdentity, clientNonce: [UInt8])
        case finished
    }

    let parameters: HandshakeParameters
    let nonce: [UInt8]
    private var state = State.awaitingHello

    init(parameters: HandshakeParameters, nonce: [UInt8]) {
        self.parameters = parameters
        self.nonce = nonce
    }

    mutating func receive(_ message: HandshakeMessage) -> HandshakeAction {
        switch (state, message) {
        case let (.awaitingHello, .hello(version, remote, clientNonce, authenticates)):
            guard version == parameters.version else {
                return fail(.versionMismatch(local: parameters.version, remote: version), tellPeer: true)
            }
            guard clientNonce.count == HandshakeParameters.nonceSize else {
                return fail(.protocolViolation("client challenge of \(clientNonce.count) bytes"), tellPeer: true)
            }
            if parameters.secret != nil && !authenticates { return fail(.secretRequired, tellPeer: true) }
            state = .awaitingProof(remote: remote, clientNonce: clientNonce)
            let proof = parameters.secret.map {
                handshakeProof(secret: $0, role: "server", clientNonce: clientNonce, serverNonce: nonce,
                               client: remote, server: parameters.identity)
            } ?? []
            return .send(.welcome(version: parameters.version, identity: parameters.identity, nonce: nonce, proof: proof))
        case let (.awaitingProof(remote, clientNonce), .proof(clientProof)):
            if let secret = parameters.secret {
                let expected = handshakeProof(secret: secret, role: "client", clientNonce: clientNonce, serverNonce: nonce,
                                              client: remote, server: parameters.identity)
                guard HMACSHA256.constantTimeEquals(clientProof, expected) else { return fail(.authenticationFailed, tellPeer: true) }
            } else if !clientProof.isEmpty {
                return fail(.protocolViolation("unexpected client proof"), tellPeer: true)
            }
            state = .finished
            return .complete(remote: remote, send: .accepted)
        case let (.awaitingHello, .refused(code, version, reason)), let (.awaitingProof, .refused(code, version, reason)):
            return fail(HandshakeMessage.error(forRefusal: code, remoteVersion: version, reason: reason, localVersion: parameters.version),
                        tellPeer: false)
        default:
            return fail(.protocolViolation("unexpected message in server handshake"), tellPeer: true)
        }
    }

    private mutating func fail(_ error: HandshakeError, tellPeer: Bool) -> HandshakeAction {
        state = .finished
        return .fail(error, send: tellPeer ? HandshakeMessage.refusal(for: error, version: parameters.version) : nil)
    }
}
