import Testing
@testable import AtomicTransport

/// The handshake's decisions, with no I/O: the two state machines talk directly.
@Suite struct HandshakeStateMachineTests {
    let clientID = NodeIdentity(endpoint: Endpoint(host: "10.0.0.1", port: 0), incarnation: 1)
    let serverID = NodeIdentity(endpoint: Endpoint(host: "10.0.0.2", port: 7077), incarnation: 2)
    let nonceA = [UInt8](repeating: 0xA, count: 32)
    let nonceB = [UInt8](repeating: 0xB, count: 32)

    enum Outcome: Equatable {
        case connected(client: NodeIdentity, server: NodeIdentity)
        case failed(client: HandshakeError?, server: HandshakeError?)
    }

    /// Runs both machines against each other until both have finished.
    func converse(client: HandshakeParameters, server: HandshakeParameters) -> Outcome {
        var c = ClientHandshake(parameters: client, nonce: nonceA)
        var s = ServerHandshake(parameters: server, nonce: nonceB)
        var toServer: HandshakeMessage? = c.hello
        var toClient: HandshakeMessage?
        var clientResult: Result<NodeIdentity, HandshakeError>?
        var serverResult: Result<NodeIdentity, HandshakeError>?
        for _ in 0..<10 {
            if let message = toServer, serverResult == nil {
                toServer = nil
                switch s.receive(message) {
                case let .send(reply): toClient = reply
                case let .complete(remote, reply): serverResult = .success(remote); toClient = reply
                case let .fail(error, reply): serverResult = .failure(error); toClient = reply
                }
            }
            if let message = toClient, clientResult == nil {
                toClient = nil
                switch c.receive(message) {
                case let .send(reply): toServer = reply
                case let .complete(remote, reply): clientResult = .success(remote); toServer = reply
                case let .fail(error, reply): clientResult = .failure(error); toServer = reply
                }
            }
            if toServer == nil && toClient == nil { break }
        }
        if case let .success(seenByServer)? = serverResult, case let .success(seenByClient)? = clientResult {
            return .connected(client: seenByServer, server: seenByClient)
        }
        return .failed(client: clientResult?.failure, server: serverResult?.failure)
    }

    @Test func without_secrets_both_sides_learn_each_others_identity() {
        let outcome = converse(client: HandshakeParameters(identity: clientID), server: HandshakeParameters(identity: serverID))
        #expect(outcome == .connected(client: clientID, server: serverID))
    }

    @Test func with_the_same_secret_both_sides_authenticate() {
        let secret = ClusterSecret(bytes: Array("a shared cluster secret".utf8))
        let outcome = converse(client: HandshakeParameters(identity: clientID, secret: secret),
                               server: HandshakeParameters(identity: serverID, secret: secret))
        #expect(outcome == .connected(client: clientID, server: serverID))
    }

    @Test func a_wrong_secret_fails_on_both_sides() {
        let outcome = converse(client: HandshakeParameters(identity: clientID, secret: ClusterSecret(bytes: Array("secret number one!".utf8))),
                               server: HandshakeParameters(identity: serverID, secret: ClusterSecret(bytes: Array("secret number two!".utf8))))
        // The client checks the server's proof first and refuses it.
        #expect(outcome == .failed(client: .authenticationFailed, server: .authenticationFailed))
    }

    @Test func a_client_without_secret_is_refused_by_a_server_with_one() {
        let outcome = converse(client: HandshakeParameters(identity: clientID),
                               server: HandshakeParameters(identity: serverID, secret: .random()))
        #expect(outcome == .failed(client: .peerRequiresSecret, server: .secretRequired))
    }

    @Test func a_client_with_secret_refuses_a_server_without_one() {
        let outcome = converse(client: HandshakeParameters(identity: clientID, secret: .random()),
                               server: HandshakeParameters(identity: serverID))
        #expect(outcome == .failed(client: .secretRequired, server: .peerRequiresSecret))
    }

    @Test func a_version_mismatch_fails_on_both_sides_naming_both_versions() {
        let outcome = converse(client: HandshakeParameters(version: 2, identity: clientID),
                               server: HandshakeParameters(version: 1, identity: serverID))
        #expect(outcome == .failed(client: .versionMismatch(local: 2, remote: 1), server: .versionMismatch(local: 1, remote: 2)))
    }

    @Test func a_proof_replayed_from_another_connection_is_refused() {
        let secret = ClusterSecret.random()
        var server = ServerHandshake(parameters: HandshakeParameters(identity: serverID, secret: secret), nonce: nonceB)
        _ = server.receive(.hello(version: 1, identity: clientID, nonce: nonceA, authenticates: true))
        // A proof computed for other challenges (an earlier connection).
        let stale = handshakeProof(secret: secret, role: "client", clientNonce: nonceB, serverNonce: nonceA, client: clientID, server: serverID)
        guard case .fail(.authenticationFailed, _) = server.receive(.proof(stale)) else {
            Issue.record("a stale proof was accepted")
            return
        }
    }

    @Test func a_reflected_server_proof_is_refused() {
        let secret = ClusterSecret.random()
        var server = ServerHandshake(parameters: HandshakeParameters(identity: serverID, secret: secret), nonce: nonceB)
        guard case let .send(.welcome(_, _, _, serverProof)) = server.receive(.hello(version: 1, identity: clientID, nonce: nonceA, authenticates: true)) else {
            Issue.record("no welcome")
            return
        }
        guard case .fail(.authenticationFailed, _) = server.receive(.proof(serverProof)) else {
            Issue.record("the server accepted its own proof reflected back")
            return
        }
    }

    @Test func messages_out_of_order_are_protocol_violations() {
        var server = ServerHandshake(parameters: HandshakeParameters(identity: serverID), nonce: nonceB)
        guard case .fail(.protocolViolation, .some(.refused)) = server.receive(.accepted) else {
            Issue.record("out-of-order message accepted")
            return
        }
        var client = ClientHandshake(parameters: HandshakeParameters(identity: clientID), nonce: nonceA)
        guard case .fail(.protocolViolation, _) = client.receive(.proof([])) else {
            Issue.record("out-of-order message accepted")
            return
        }
    }

    @Test func short_challenges_are_refused() {
        var server = ServerHandshake(parameters: HandshakeParameters(identity: serverID), nonce: nonceB)
        guard case .fail(.protocolViolation, _) = server.receive(.hello(version: 1, identity: clientID, nonce: [1], authenticates: false)) else {
            Issue.record("a 1-byte challenge was accepted")
            return
        }
    }

    @Test func handshake_messages_round_trip_on_the_wire() throws {
        let messages: [HandshakeMessage] = [
            .hello(version: 1, identity: clientID, nonce: nonceA, authenticates: true),
            .welcome(version: 1, identity: serverID, nonce: nonceB, proof: [1, 2, 3]),
            .proof(nonceA), .accepted, .refused(code: 4, version: 1, reason: "no"),
        ]
        for message in messages { #expect(try HandshakeMessage(wireBytes: message.wireBytes()) == message) }
    }
}
