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
        let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        let echo = Task { await TransportEcho.serve(listener) }
        let rate = try await TransportEcho.roundTrips(to: listener.endpoint, inFlight: inFlight, count: count, size: messageSize)
        listener.close()
        await echo.value
        await server.shutdown()
        return rate
    }
}
