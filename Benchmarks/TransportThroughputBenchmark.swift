import AtomicTransport

/// Loopback throughput with 1 MiB frames, beside a plain blocking send/recv loop
/// moving the same bytes in 1 MiB writes.
struct TransportThroughputBenchmark: Benchmark {
    let name = "transport-throughput"

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let frameSize = 1 << 20
        let frames = quick ? 256 : 2048
        let raw = try RawLoopbackBaseline.throughput(chunk: frameSize, totalBytes: frames * frameSize)
        let framed = try await measure(frameSize: frameSize, frames: frames)
        return [BenchmarkResult(benchmark: name, metric: "1MiB frames, GB/s", value: framed / 1e9, unit: "GB/s",
                                baseline: raw / 1e9, target: ">= 0.70 of raw")]
    }

    func measure(frameSize: Int, frames: Int) async throws -> Double {
        let server = try TCPTransport()
        let client = try TCPTransport()
        let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        let receiver = Task { () -> Int in
            for await connection in listener.connections {
                var bytes = 0
                while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                    for frame in batch { bytes += frame.payload.count }
                    if bytes >= frameSize * frames { break }
                }
                return bytes
            }
            return 0
        }
        let connection = try await client.connect(to: listener.endpoint)
        let payload = [UInt8](repeating: 0xCD, count: frameSize)
        let start = ContinuousClock.now
        for index in 0..<frames {
            try await connection.send(Frame(kind: .block, correlationID: UInt64(index), payload: payload))
        }
        let received = try await receiver.value
        let seconds = (ContinuousClock.now - start).seconds
        precondition(received == frameSize * frames, "throughput benchmark lost bytes")
        await connection.close()
        listener.close()
        await client.shutdown()
        await server.shutdown()
        return Double(received) / seconds
    }
}
