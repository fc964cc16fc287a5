import AtomicActors
import Foundation

/// Remote calls per second between two processes over loopback (1 and 64 in
/// flight), and one-way messages per second, each beside the transport's own
/// round trips to the same process in the same run.
///
/// The callee is this executable started again as `atomic-bench serve-node`: a
/// cluster node plus a plain transport echo listener.
struct ActorCallBenchmark: Benchmark {
    let name = "actor-calls"

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let driverTransport = try TCPTransport()
        let driver = try await ClusterSystem.start(transport: driverTransport, listenOn: Endpoint(host: "127.0.0.1", port: 0))
        let events = driver.membershipEvents()
        let child = try ChildNode.launch(seed: driver.identity.endpoint)
        defer { child.stop() }
        var remote: NodeIdentity?
        for await event in events {
            if case let .up(node) = event { remote = node; break }
        }
        guard let remote else { throw BenchmarkError.childDidNotJoin }
        let probe = try driver.probe(on: remote)
        let payload = [UInt8](repeating: 1, count: 32)
        var results: [BenchmarkResult] = []
        // CPU time of both processes per operation: a figure that other work on the
        // machine disturbs much less than rates do.
        let pid = child.process.processIdentifier
        func cpuPerOperation(_ count: Int, _ body: () async throws -> Double) async throws -> (rate: Double, micros: Double) {
            let before = (ProcessStats.cpuSeconds ?? 0) + (ProcessStats.cpuSeconds(of: pid) ?? 0)
            let rate = try await body()
            let after = (ProcessStats.cpuSeconds ?? 0) + (ProcessStats.cpuSeconds(of: pid) ?? 0)
            return (rate, (after - before) * 1e6 / Double(count))
        }
        // ATOMIC_BENCH_ACTOR_SIDE=actor (or =requests) runs only that side, 64 in
        // flight, for profiling one side at a time; no figures are printed.
        if let side = ProcessInfo.processInfo.environment["ATOMIC_BENCH_ACTOR_SIDE"] {
            for _ in 0..<3 {
                if side == "actor" {
                    _ = try await callRate(probe, payload: payload, inFlight: 64, calls: 400_000)
                } else {
                    _ = try await TransportRequests.rate(to: child.echoEndpoint, tasks: 64, count: 400_000, size: payload.count)
                }
            }
            await driver.shutdown()
            return []
        }
        var pipelined64 = 0.0
        for (inFlight, calls) in [(1, quick ? 5_000 : 20_000), (64, quick ? 100_000 : 400_000)] {
            let pipelined = try await TransportEcho.roundTrips(to: child.echoEndpoint, inFlight: inFlight, count: calls, size: payload.count)
            if inFlight == 64 { pipelined64 = pipelined }
            // At 64 in flight, rounds of the two side by side, interleaved, so that
            // a slow spell of the machine falls on both, and each side first in
            // every other round; the round of the median ratio is reported (one
            // round at 1 in flight, which takes seconds per side).
            var rounds: [Round] = []
            for round in 0..<(quick || inFlight == 1 ? 1 : Self.rounds) {
                let measureRequests = {
                    try await cpuPerOperation(calls) {
                        try await TransportRequests.rate(to: child.echoEndpoint, tasks: inFlight, count: calls, size: payload.count)
                    }
                }
                let measureActor = {
                    try await cpuPerOperation(calls) {
                        try await callRate(probe, payload: payload, inFlight: inFlight, calls: calls)
                    }
                }
                let requests: (rate: Double, micros: Double), actor: (rate: Double, micros: Double)
                if round % 2 == 0 {
                    requests = try await measureRequests()
                    actor = try await measureActor()
                } else {
                    actor = try await measureActor()
                    requests = try await measureRequests()
                }
                rounds.append(Round(requests: requests.rate, requestCPU: requests.micros, actor: actor.rate, actorCPU: actor.micros))
            }
            let byRate = Round.median(rounds) { $0.actor / $0.requests }
            let byCPU = Round.median(rounds) { $0.actorCPU / $0.requestCPU }
            let (requests, actor) = (byRate.requests, byRate.actor)
            let (requestCPU, actorCPU) = (byCPU.requestCPU, byCPU.actorCPU)
            let of = rounds.count > 1 ? ", median of \(rounds.count) rounds" : ""
            results.append(BenchmarkResult(benchmark: name, metric: "CPU µs per call (both processes), \(inFlight) in flight vs transport requests\(of)",
                                           value: actorCPU, unit: "µs", baseline: requestCPU))
            results.append(BenchmarkResult(benchmark: name, metric: "calls/s, \(inFlight) in flight vs pipelined echo", value: actor,
                                           unit: "calls/s", baseline: pipelined, target: inFlight == 64 ? ">= 50000/s" : nil))
            results.append(BenchmarkResult(benchmark: name, metric: "calls/s, \(inFlight) in flight vs transport requests\(of)",
                                           value: actor, unit: "calls/s", baseline: requests,
                                           target: inFlight == 64 ? "ratio >= 0.67 (<= 1.5x cost)" : nil))
        }
        // Large calls, as shuffle fetches make them: a 2 MiB echo, 4 in flight,
        // beside the transport's own requests of the same size.
        let large = [UInt8](repeating: 7, count: 2 << 20), largeCalls = quick ? 40 : 400
        let largeRequests = try await TransportRequests.rate(to: child.echoEndpoint, tasks: 4, count: largeCalls, size: large.count)
        let largeCallRate = try await callRate(probe, payload: large, inFlight: 4, calls: largeCalls)
        results.append(BenchmarkResult(benchmark: name, metric: "MB/s each way, 2 MiB calls, 4 in flight vs transport requests",
                                       value: largeCallRate * Double(large.count) / 1e6, unit: "MB/s",
                                       baseline: largeRequests * Double(large.count) / 1e6))
        let messages = quick ? 200_000 : 1_000_000
        let oneWay = try await oneWayRate(driver, to: remote, messages: messages)
        results.append(BenchmarkResult(benchmark: name, metric: "one-way messages/s vs pipelined echo", value: oneWay,
                                       unit: "msg/s", baseline: pipelined64))
        await driver.shutdown()
        return results
    }

    /// Rounds of transport requests and actor calls at 64 in flight (one with
    /// `--quick`): five, as one figure of three rounds ranged over a third on this machine.
    static var rounds: Int { 5 }

    /// Transport requests and actor calls measured side by side: rates, and CPU µs per operation.
    private struct Round {
        let requests: Double, requestCPU: Double, actor: Double, actorCPU: Double

        /// The round whose `ratio` is the median of `rounds` (not empty).
        static func median(_ rounds: [Round], by ratio: (Round) -> Double) -> Round {
            rounds.sorted { ratio($0) < ratio($1) }[rounds.count / 2]
        }
    }

    private func callRate(_ probe: NodeProbe, payload: [UInt8], inFlight: Int, calls: Int) async throws -> Double {
        try await concurrentRate(tasks: inFlight, count: calls) { _, _ in
            let echoed = try await probe.echo(payload)
            precondition(echoed.count == payload.count, "echo lost bytes")
        }
    }

    private func oneWayRate(_ driver: ClusterSystem, to node: NodeIdentity, messages: Int) async throws -> Double {
        let sink = ActorAddress(node: node, path: BenchSink.path)
        let remoteSink = try BenchSink.resolve(id: sink, using: driver)
        let before = try await remoteSink.count()
        let batch = (0..<256).map { Int64($0) }
        let start = ContinuousClock.now
        var sent = 0
        while sent < messages {
            try await driver.post(batch, to: sink)
            sent += batch.count
        }
        // The count call travels behind the messages on the same connection.
        let after = try await remoteSink.count()
        let seconds = (ContinuousClock.now - start).seconds
        precondition(after - before == sent, "one-way messages lost: \(after - before) of \(sent)")
        return Double(sent) / seconds
    }

    enum BenchmarkError: Error { case childDidNotJoin, childDidNotStart }
}

/// Counts one-way messages on the callee node.
distributed actor BenchSink: OneWayReceiver {
    typealias ActorSystem = ClusterSystem
    static let path = "/user/bench-sink"
    private var received = 0

    func receive(_ message: Int64) { received += 1 }

    distributed func count() -> Int { received }
}

/// The callee process: `atomic-bench serve-node SEED`.
enum ChildNode {
    struct Handle {
        let process: Process
        let stdin: Pipe
        let echoEndpoint: Endpoint

        func stop() {
            try? stdin.fileHandleForWriting.close()
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func launch(seed: Endpoint) throws -> Handle {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve-node", "\(seed)"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // First line: "echo HOST:PORT".
        var line = Data()
        while let byte = try stdout.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line += byte }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("echo "), let endpoint = Endpoint(parsing: String(text.dropFirst(5))) else {
            process.terminate()
            throw ActorCallBenchmark.BenchmarkError.childDidNotStart
        }
        return Handle(process: process, stdin: stdin, echoEndpoint: endpoint)
    }

    /// Runs in the child: a node with a sink, and a transport echo listener.
    static func serve(seed: Endpoint) async throws {
        let echoTransport = try TCPTransport()
        let echo = try await echoTransport.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        let system = try await ClusterSystem.start(transport: try TCPTransport(), listenOn: Endpoint(host: "127.0.0.1", port: 0), seed: seed)
        let sink = system.withPath(BenchSink.path) { BenchSink(actorSystem: system) }
        FileHandle.standardOutput.write(Data("echo \(echo.endpoint)\n".utf8))
        ProcessLifetime.exitWhenStandardInputCloses()
        await TransportEcho.serve(echo)
        _ = sink
    }
}

/// Round trips over a bare transport connection, the baseline of the actor figures.
enum TransportEcho {
    /// Round trips per second to the echo listener at `endpoint`.
    static func roundTrips(to endpoint: Endpoint, inFlight: Int, count: Int, size: Int) async throws -> Double {
        let transport = try TCPTransport()
        let connection = try await transport.connect(to: endpoint)
        let rate = try await windowed(connection, inFlight: inFlight, count: count, size: size)
        await connection.close()
        await transport.shutdown()
        return rate
    }

    /// Keeps `inFlight` requests outstanding on `connection` until `count` replies
    /// came back; returns replies per second.
    static func windowed(_ connection: Connection, inFlight: Int, count: Int, size: Int) async throws -> Double {
        let payload = [UInt8](repeating: 1, count: size)
        let start = ContinuousClock.now
        var sent = min(inFlight, count)
        var received = 0
        try await connection.send((0..<sent).map { Frame(kind: .data, correlationID: UInt64($0), payload: payload) })
        while received < count {
            let batch = try await connection.inbound.nextBatch()
            guard !batch.isEmpty else { break }
            received += batch.count
            let more = min(batch.count, count - sent)
            if more > 0 {
                try await connection.send((0..<more).map { Frame(kind: .data, correlationID: UInt64(sent + $0), payload: payload) })
                sent += more
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(received == count, "round trips lost replies")
        return Double(received) / seconds
    }

    /// Echoes every frame of every connection `listener` accepts.
    ///
    /// Data frames (``windowed(_:inFlight:count:size:)``, the pipelined ceiling)
    /// are echoed by the reader, a burst per send. Request frames
    /// (``TransportRequests``) are served as a ``ClusterSystem`` serves calls: a
    /// task per request, each sending its own reply, so that the request/reply
    /// baseline has the actor layer's task shape on both sides.
    static func serve(_ listener: any Listener) async {
        for await connection in listener.connections {
            Task {
                while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                    var echoes: [Frame] = []
                    for frame in batch {
                        if frame.kind == .request {
                            Task { try await connection.send(Frame(kind: .reply, correlationID: frame.correlationID, payload: frame.payload)) }
                        } else {
                            echoes.append(Frame(kind: .reply, correlationID: frame.correlationID, payload: frame.payload))
                        }
                    }
                    if !echoes.isEmpty { try await connection.send(echoes) }
                }
            }
        }
    }
}
