import AtomicRDD
import AtomicTransport
import Foundation

// atomic-bench [NAME|GROUP ...] [--quick]: runs the selected benchmarks (all by default)
// in a release build, printing one JSON object per result, then a table.
//
//   swift build -c release --product atomic-bench
//   .build/release/atomic-bench engine              # every engine workload, full scale
//   .build/release/atomic-bench suite --quick       # a smoke run in a few seconds
//   .build/release/atomic-bench sort-pairs --child  # in this process (for perf record)
//
// Engine workloads each run in a fresh child process (`/proc/self/exe NAME --child`) with
// Config.local(cores: 2, memory: 256 << 20), so their peak RSS and start-up time are their
// own. Each reports its job time against its target (full scale only), the job's CPU time,
// the wall time from process launch to the job's end, the engine's memory-budget peak, peak
// RSS, checks against independently computed figures, and the CPU other processes used
// during the job (such work lengthens every time: compare CPU times then).
//
// Reference data: `python3 /work/shared/bench/gen_data.py /tmp/atomic-bench-data`; a
// workload whose file is missing prints a skip line. `--quick` writes and uses a small data
// set in the same formats. Environment: ATOMIC_BENCH_DATA and ATOMIC_BENCH_QUICK_DATA (the
// data folders), ATOMIC_BENCH_MEMORY_MB (the engine's memory budget, default 256, to see
// what spilling costs), ATOMIC_BENCH_CORES (task slots, default 2, to see how a workload
// scales), ATOMIC_BENCH_SPLITS=1 (also time each input stage alone),
// ATOMIC_BENCH_TEXT (the file of wordcount-text), ATOMIC_BENCH_MAX_BYTES_IN_FLIGHT (the
// cluster's bound on shuffle bytes a reducer requests at once; 1 fetches one bucket at a time),
// ATOMIC_BENCH_CLUSTER_ONLY=NAME,... (the cluster benchmark's workloads to run, e.g. shuffle-8M).
//
// `cluster` runs the engine workloads (registered-function forms) in local mode and on a
// 2-worker local cluster of this executable in one run, printing the ratio.
let all: [any Benchmark] = [
    TransportThroughputBenchmark(), TransportFetchBenchmark(), TransportRoundTripBenchmark(), ActorCallBenchmark(), WordCountTextBenchmark(),
    PiBenchmark(), WordCountGeneratedBenchmark(), SortGeneratedBenchmark(), JoinGeneratedBenchmark(),
    WordCountFileBenchmark(), ReduceByKeyPairsBenchmark(), SortByKeyPairsBenchmark(), JoinNamesBenchmark(),
    TinyJobBenchmark(), ClusterBenchmark(),
]
/// Names that select several benchmarks.
let groups: [String: [String]] = [
    "suite": ["pi", "wordcount", "sort", "join"],
    "reference": ["wordcount-file", "reduce-pairs", "sort-pairs", "join-names"],
    "engine": ["pi", "wordcount", "sort", "join", "wordcount-file", "reduce-pairs", "sort-pairs", "join-names", "tiny-job", "cluster"],
]
var arguments = Array(CommandLine.arguments.dropFirst())
// A worker process of the cluster benchmark's local cluster.
if let status = await Worker.main(arguments, registry: BenchFunctions.registry, specializations: BenchFunctions.specializations) {
    exit(status)
}
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
