import AtomicTransport

/// Small-message round trips per second with 1 and with 64 in flight, beside a
/// plain blocking send/recv echo over loopback with the same window.
struct TransportRoundTripBenchmark: Benchmark {
    let name = "transport-roundtrip"
    let messageSize = 32

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        for (inFlight, count) in [(1, quick ? 10_000 : 50_000), (64, quick ? 100_000 : 500_000)] {
            let raw = try RawLoopbackBaseline.roundTrips(size: Frame.overhead + messageSize, inFlight: inFlight, count: count)
            let framed = try await measure(inFlight: inFlight, count: count)
            results.append(BenchmarkResult(benchmark: name, metric: "\(inFlight) in flight, round trips/s", value: framed,
                                           unit: "rt/s", baseline: raw, target: inFlight == 64 ? ">= 100000 rt/s" : nil))
        }
        return results
    }

    func measure(inFlight: Int, count: Int) async throws -> Double {
        let server = try TCPTransport()
        let client = try TCPTransport()
        let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        let echo = Task {
            for await connection in listener.connections {
                while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                    try await connection.send(batch.map { Frame(kind: .reply, correlationID: $0.correlationID, payload: $0.payload) })
                }
                return
            }
        }
        let connection = try await client.connect(to: listener.endpoint)
        let payload = [UInt8](repeating: 1, count: messageSize)
        let start = ContinuousClock.now
        var sent = 0
        var received = 0
        try await connection.send((0..<min(inFlight, count)).map { Frame(kind: .request, correlationID: UInt64($0), payload: payload) })
        sent = min(inFlight, count)
        while received < count {
            let batch = try await connection.inbound.nextBatch()
            guard !batch.isEmpty else { break }
            received += batch.count
            let more = min(batch.count, count - sent)
            if more > 0 {
                try await connection.send((0..<more).map { Frame(kind: .request, correlationID: UInt64(sent + $0), payload: payload) })
                sent += more
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(received == count, "round-trip benchmark lost replies")
        await connection.close()
        try await echo.value
        listener.close()
        await client.shutdown()
        await server.shutdown()
        return Double(received) / seconds
    }
}
