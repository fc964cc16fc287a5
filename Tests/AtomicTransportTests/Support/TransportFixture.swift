import Foundation
import Testing
@testable import AtomicTransport

/// A server and a client TCP transport on loopback, torn down after the body
/// whatever happens, with a check that no descriptor or listener leaked.
func withTCPPair<R>(
    server serverConfiguration: TransportConfiguration = TransportConfiguration(),
    client clientConfiguration: TransportConfiguration = TransportConfiguration(),
    _ body: (TCPTransport, any Listener, TCPTransport) async throws -> R
) async throws -> R {
    let server = try TCPTransport(configuration: serverConfiguration)
    let client = try TCPTransport(configuration: clientConfiguration)
    let result: Result<R, any Error>
    do {
        let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        result = .success(try await body(server, listener, client))
    } catch {
        result = .failure(error)
    }
    await client.shutdown()
    await server.shutdown()
    #expect(client.openResourceCount == 0, "client leaked connections")
    #expect(server.openResourceCount == 0, "server leaked connections or listeners")
    return try result.get()
}

/// A connection from `client` to `listener` and the listener's side of it.
func connectedPair(_ client: TCPTransport, _ listener: any Listener) async throws -> (client: Connection, server: Connection) {
    let accepted = Task { () -> Connection? in
        for await connection in listener.connections { return connection }
        return nil
    }
    let connection = try await client.connect(to: listener.endpoint)
    return (connection, try #require(await accepted.value))
}

/// Echoes every frame on every accepted connection back as a reply.
func startEchoing(_ listener: any Listener) -> Task<Void, Never> {
    Task {
        await withTaskGroup(of: Void.self) { group in
            for await connection in listener.connections {
                group.addTask {
                    do {
                        while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                            try await connection.send(batch.map {
                                Frame(kind: .reply, flags: $0.flags, correlationID: $0.correlationID, payload: $0.payload)
                            })
                        }
                    } catch {}
                }
            }
        }
    }
}

/// A secret for tests.
func testSecret(_ text: String = "the test cluster secret") -> ClusterSecret {
    ClusterSecret(bytes: Array(text.utf8))
}

/// The first rejection a listener reports.
func firstRejection(_ listener: any Listener) async -> TransportError? {
    for await rejection in listener.rejections { return rejection }
    return nil
}
