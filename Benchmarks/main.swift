import AtomicTransport
import Foundation

// atomic-bench [NAME ...] [--quick]: runs the selected benchmarks (all by default)
// in a release build, printing one JSON object per result, then a table.
let all: [any Benchmark] = [TransportThroughputBenchmark(), TransportRoundTripBenchmark(), ActorCallBenchmark(), WordCountTextBenchmark()]
var arguments = Array(CommandLine.arguments.dropFirst())
// The callee process of the actor benchmark.
if arguments.first == "serve-node", arguments.count == 2, let seed = Endpoint(parsing: arguments[1]) {
    do { try await ChildNode.serve(seed: seed) } catch {
        FileHandle.standardError.write(Data("atomic-bench serve-node: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
let quick = arguments.contains("--quick")
arguments.removeAll { $0 == "--quick" }
let unknown = arguments.filter { name in !all.contains { $0.name == name } }
guard unknown.isEmpty else {
    FileHandle.standardError.write(Data("atomic-bench: unknown benchmark(s) \(unknown); known: \(all.map(\.name))\n".utf8))
    exit(2)
}
let selected = arguments.isEmpty ? all : all.filter { arguments.contains($0.name) }
var results: [BenchmarkResult] = []
for benchmark in selected {
    do {
        let measured = try await benchmark.run(quick: quick)
        for result in measured { print(result.jsonLine) }
        results += measured
    } catch {
        FileHandle.standardError.write(Data("atomic-bench: \(benchmark.name) failed: \(error)\n".utf8))
        exit(1)
    }
}
print("")
printTable(results)
