import AtomicActors
import AtomicTransport
import Testing

/// Joining through a seed that does not answer as a cluster node does.
@Suite struct JoinTests {
    /// A plain transport listener standing in for a seed: it reads the join,
    /// then closes the connection (`close`) or keeps it without a word.
    private static func silentSeed(closing: Bool) async throws -> (TCPTransport, any Listener, Task<Void, Never>) {
        let transport = try TCPTransport()
        let listener = try await transport.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        let serving = Task {
            for await connection in listener.connections {
                _ = try? await connection.inbound.nextBatch()
                if closing { await connection.close() }
                // Holds the connection open, unanswered, until the test ends.
                while !closing, !Task.isCancelled, let batch = try? await connection.inbound.nextBatch(), !batch.isEmpty {}
            }
        }
        return (transport, listener, serving)
    }

    @Test func a_seed_that_closes_before_answering_fails_the_join_without_waiting_for_the_timeout() async throws {
        let (seedTransport, listener, serving) = try await Self.silentSeed(closing: true)
        var settings = ClusterSettings()
        settings.callTimeout = .seconds(60)
        let transport = try TCPTransport()
        let started = ContinuousClock.now
        await #expect(throws: RemoteCallError.self) {
            _ = try await ClusterSystem.start(transport: transport, listenOn: Endpoint(host: "127.0.0.1", port: 0),
                                              seed: listener.endpoint, settings: settings)
        }
        #expect(ContinuousClock.now - started < .seconds(30), "the join waited for its timeout")
        serving.cancel()
        await transport.shutdown()
        await seedTransport.shutdown()
    }

    @Test func a_seed_that_never_answers_fails_the_join_at_the_call_timeout() async throws {
        let (seedTransport, listener, serving) = try await Self.silentSeed(closing: false)
        var settings = ClusterSettings()
        settings.callTimeout = .milliseconds(200)
        let transport = try TCPTransport()
        await #expect(throws: JoinError.noAnswer(seed: listener.endpoint, after: .milliseconds(200))) {
            _ = try await ClusterSystem.start(transport: transport, listenOn: Endpoint(host: "127.0.0.1", port: 0),
                                              seed: listener.endpoint, settings: settings)
        }
        serving.cancel()
        await transport.shutdown()
        await seedTransport.shutdown()
    }
}
