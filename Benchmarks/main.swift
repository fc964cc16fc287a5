import AtomicTransport
import Foundation

// atomic-bench [NAME|GROUP ...] [--quick]: runs the selected benchmarks (all by default)
// in a release build, printing one JSON object per result, then a table.
// Engine workloads each run in a fresh child process (`atomic-bench NAME --child`),
// so their peak RSS and start-up time are their own; `--child` runs them in this process.
let all: [any Benchmark] = [
    TransportThroughputBenchmark(), TransportRoundTripBenchmark(), ActorCallBenchmark(), WordCountTextBenchmark(),
    PiBenchmark(), WordCountGeneratedBenchmark(), SortGeneratedBenchmark(), JoinGeneratedBenchmark(),
    WordCountFileBenchmark(), ReduceByKeyPairsBenchmark(), SortByKeyPairsBenchmark(), JoinNamesBenchmark(),
    TinyJobBenchmark(),
]
/// Names that select several benchmarks.
let groups: [String: [String]] = [
    "suite": ["pi", "wordcount", "sort", "join"],
    "reference": ["wordcount-file", "reduce-pairs", "sort-pairs", "join-names"],
    "engine": ["pi", "wordcount", "sort", "join", "wordcount-file", "reduce-pairs", "sort-pairs", "join-names", "tiny-job"],
]
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
let inChild = arguments.contains(ChildProcess.flag)
arguments.removeAll { $0 == "--quick" || $0 == ChildProcess.flag }
arguments = arguments.flatMap { groups[$0] ?? [$0] }
let unknown = arguments.filter { name in !all.contains { $0.name == name } }
guard unknown.isEmpty else {
    let message = "atomic-bench: unknown benchmark(s) \(unknown); known: \(all.map(\.name)), groups: \(groups.keys.sorted())\n"
    FileHandle.standardError.write(Data(message.utf8))
    exit(2)
}
let selected = arguments.isEmpty ? all : all.filter { arguments.contains($0.name) }
var results: [BenchmarkResult] = []
var failed: [String] = []
for benchmark in selected {
    do {
        let measured = benchmark.runsInChildProcess && !inChild
            ? try ChildProcess.run(benchmark.name, quick: quick)
            : try await benchmark.run(quick: quick)
        for result in measured { print(result.jsonLine) }
        results += measured
    } catch {
        FileHandle.standardError.write(Data("atomic-bench: \(benchmark.name) failed: \(error)\n".utf8))
        failed.append(benchmark.name)
    }
}
if !inChild {
    print("")
    printTable(results)
}
if !failed.isEmpty { exit(1) }
