import AtomicTransport

/// The transport under the shape of a reducer's shuffle fetch: 4 requests at
/// once, each answered with a 2 MiB frame (a bucket), timed from the first
/// request to the last reply, as the cluster benchmark's fetch figure is; on a
/// connection kept open, and on a new connection per reducer (connect and
/// handshake included). The server replies with a prepared payload, so this is
/// the transport's share of a fetch with no encoding or decoding.
struct TransportFetchBenchmark: Benchmark {
    let name = "transport-fetch"

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let rounds = quick ? 20 : 100
        let (warm, fresh) = try await measure(rounds: rounds, requests: 4, size: 2 << 20)
        return [
            BenchmarkResult(benchmark: name, metric: "4 x 2 MiB replies, connection kept, MB/s", value: warm / 1e6, unit: "MB/s"),
            BenchmarkResult(benchmark: name, metric: "4 x 2 MiB replies, new connection each time, MB/s", value: fresh / 1e6,
                            unit: "MB/s"),
        ]
    }

    func measure(rounds: Int, requests: Int, size: Int) async throws -> (warm: Double, fresh: Double) {
        let server = try TCPTransport()
        let client = try TCPTransport()
        let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        let bucket = [UInt8](repeating: 0xAB, count: size)
        let serving = Task {
            await withTaskGroup(of: Void.self) { group in
                for await connection in listener.connections {
                    group.addTask {
                        while case let batch = (try? await connection.inbound.nextBatch()) ?? [], !batch.isEmpty {
                            for frame in batch {
                                try? await connection.send(Frame(kind: .block, correlationID: frame.correlationID, payload: bucket))
                            }
                        }
                    }
                }
            }
        }
        func round(_ connection: Connection, _ waiting: TransportRequests.Waiting, base: UInt64) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<requests {
                    group.addTask {
                        let id = base + UInt64(index)
                        let reply = try await waiting.wait(for: id) {
                            try await connection.send(Frame(kind: .request, correlationID: id, payload: [1, 2, 3]))
                        }
                        precondition(reply.count == size, "fetch benchmark lost bytes")
                    }
                }
                try await group.waitForAll()
            }
        }
        func open() async throws -> (Connection, TransportRequests.Waiting, Task<Void, any Error>) {
            let connection = try await client.connect(to: listener.endpoint)
            let waiting = TransportRequests.Waiting()
            let reader = Task {
                while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                    for frame in batch { waiting.resume(frame.correlationID, with: frame.payload) }
                }
            }
            return (connection, waiting, reader)
        }
        var warmSeconds = 0.0, freshSeconds = 0.0
        let (kept, keptWaiting, keptReader) = try await open()
        for index in 0..<rounds {
            let start = ContinuousClock.now
            try await round(kept, keptWaiting, base: UInt64(index) << 8)
            warmSeconds += (ContinuousClock.now - start).seconds
        }
        await kept.close()
        _ = try? await keptReader.value
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let (connection, waiting, reader) = try await open()
            try await round(connection, waiting, base: 0)
            freshSeconds += (ContinuousClock.now - start).seconds
            await connection.close()
            _ = try? await reader.value
        }
        listener.close()
        serving.cancel()
        await client.shutdown()
        await server.shutdown()
        let bytes = Double(rounds * requests * size)
        return (bytes / warmSeconds, bytes / freshSeconds)
    }
}
