import AtomicRDD
import Foundation

/// The engine workloads on a local cluster of 2 worker processes with 1 core
/// each, beside the same jobs in local mode on 2 cores, in one run: the same
/// registered-function code runs in both, so the ratio is what running on
/// worker processes costs (shipping lineage, remote shuffle fetches, results
/// over loopback). Also: shuffle fetch throughput between the workers, and a
/// local cluster's start-up to its first result (process launch to result).
struct ClusterBenchmark: Benchmark {
    let name = "cluster"
    var runsInChildProcess: Bool { true }

    /// Local mode with 2 task slots and the reference budget.
    static let local = Config.local(cores: 2, memory: 256 << 20).registering(BenchFunctions.registry)
    /// 2 workers of this executable, 1 core and half the budget each.
    static let cluster: Config = {
        var config = Config.localCluster(workers: 2, coresPerWorker: 1, memoryPerWorker: 128 << 20)
            .registering(BenchFunctions.registry)
        if let text = ProcessInfo.processInfo.environment["ATOMIC_BENCH_MAX_BYTES_IN_FLIGHT"], let bytes = Int(text) {
            config.maxBytesInFlight = bytes
        }
        return config
    }()

    typealias S = StandardFunctions

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        var report = EngineReport(benchmark: name, quick: quick)
        // Start-up first, while this process is fresh.
        let sc = try await Context(config: Self.cluster)
        let tiny = try await sc.parallelize([1, 2, 3], numPartitions: 2).reduce(S.SumInts())
        if let launch = ProcessStats.secondsSinceLaunch() {
            report.time("2-worker local cluster: process launch to first result, s", seconds: launch, target: 0.3)
        }
        report.check("tiny job result 6", tiny == 6)
        let (_, warm) = try await timed { try await sc.parallelize([1, 2, 3], numPartitions: 2).reduce(S.SumInts()) }
        report.split("tiny job on the started cluster, s", seconds: warm)
        let (_, shuffled) = try await timed {
            try await sc.parallelize([(1, 1), (2, 2), (1, 3)], numPartitions: 2).reduceByKey(numPartitions: 2, S.SumInts()).count()
        }
        report.split("tiny job with a shuffle on the started cluster, s", seconds: shuffled)
        await sc.stop()

        // Atomic's generated suite, generated in the tasks.
        let lines = quick ? 15_000 : 150_000
        try await compare("wordcount-3M", target: nil, &report) { sc in
            let counts = try await sc.range(0, lines, numPartitions: 4).map(BenchFunctions.GeneratedLine()).words()
                .map(S.WithOne()).reduceByKey(S.SumInts()).collect()
            return "\(counts.count) distinct, \(counts.reduce(0) { $0 + $1.1 }) words"
        }
        let records = quick ? 200_000 : 2_000_000
        try await compare("sort-2M", target: nil, &report) { sc in
            let slices = BenchFunctions.XorShiftSlice(seed: 0x2545_F491_4F6C_DD1D, modulus: 10_000_000, count: records, slices: 2)
            let sorted = try await sc.range(0, 2, numPartitions: 2).flatMap(slices).sortByKey().collect()
            let ordered = zip(sorted, sorted.dropFirst()).allSatisfy { $0.0 <= $1.0 }
            return "\(sorted.count) records, ordered \(ordered), index sum \(sorted.reduce(0) { $0 &+ $1.1 })"
        }
        let joined = quick ? 100_000 : 1_000_000
        try await compare("join-1M", target: nil, &report) { sc in
            let modulus: UInt64 = quick ? 20_000 : 200_000
            let left = sc.range(0, 2, numPartitions: 2)
                .flatMap(BenchFunctions.XorShiftSlice(seed: 0x2545_F491_4F6C_DD1D, modulus: modulus, count: joined, slices: 2))
            let right = sc.range(0, 2, numPartitions: 2)
                .flatMap(BenchFunctions.XorShiftSlice(seed: 0x9E37_79B9_7F4A_7C15, modulus: modulus, count: joined, slices: 2))
            return "\(try await left.join(right).count()) rows"
        }
        // Shuffle alone: 8M pairs (128 MiB) moved by a partitioner and counted, so
        // that the fetch figure is the shuffle's and not the serving worker's other work.
        let moved = quick ? 800_000 : 8_000_000
        try await compare("shuffle-8M", target: nil, &report) { sc in
            let pairs = sc.range(0, 8, numPartitions: 8)
                .flatMap(BenchFunctions.XorShiftSlice(seed: 0x2545_F491_4F6C_DD1D, modulus: 1 << 40, count: moved, slices: 8))
            return "\(try await pairs.partitionBy(HashPartitioner(partitions: 8)).count()) records"
        }

        let data = try ReferenceData.locate(quick: quick)
        let perPartition = quick ? 2_000_000 : 20_000_000
        try await compare("pi", target: nil, &report) { sc in
            let hits = try await sc.range(0, 12, numPartitions: 12).map(BenchFunctions.PiHits(samples: perPartition)).reduce(S.SumInts())
            return "\(hits)"
        }
        if let path = data.path("text.txt", for: name) {
            try await compare("wordcount-file", target: 1.3, &report) { sc in
                let counts = try await sc.textFile(path, minPartitions: 4).words().map(S.WithOne())
                    .reduceByKey(S.SumInts()).collect()
                return "\(counts.count) distinct, \(counts.reduce(0) { $0 + $1.1 }) words"
            }
        }
        if let path = data.path("pairs.bin", for: name) {
            try await compare("reduce-pairs", target: 1.3, &report) { sc in
                let sums = try sc.binaryRecords(path, minPartitions: 6, S.Int64Pair()).reduceByKey(S.SumInts())
                return "\(try await sums.count()) keys, sum \(try await sums.values().reduce(S.SumInts()))"
            }
            try await compare("sort-pairs", target: 1.3, &report) { sc in
                let parts = try await sc.binaryRecords(path, minPartitions: 6, S.Int64Pair()).sortByKey()
                    .mapPartitions(BenchFunctions.SortSummary()).collect()
                var ordered = parts.allSatisfy { $0[4] == 1 }
                for (a, b) in zip(parts, parts.dropFirst()) where a[0] > 0 && b[0] > 0 && a[3] > b[2] { ordered = false }
                return "\(parts.reduce(0) { $0 + $1[0] }) records, sum \(parts.reduce(0) { $0 &+ $1[1] }), ordered \(ordered)"
            }
            if let names = data.path("names.csv", for: name) {
                try await compare("join-names", target: 1.3, &report) { sc in
                    let named = try sc.textFile(names).map(S.KeyedLine())
                    let parts = try await sc.binaryRecords(path, minPartitions: 6, S.Int64Pair()).join(named)
                        .mapPartitions(BenchFunctions.JoinTotals()).collect()
                    return "\(parts.reduce(0) { $0 + $1[0] }) rows, values \(parts.reduce(0) { $0 &+ $1[1] }), "
                        + "name bytes \(parts.reduce(0) { $0 + $1[2] })"
                }
            }
        }
        return report.finished()
    }

    /// Rounds of each workload at full scale, local then cluster in each: the
    /// round of the median ratio is reported, so that a slow spell of this
    /// shared machine in one half of one round does not make the figure.
    static let rounds = 3

    /// One round of a workload: its local and cluster times, answers and fetches.
    private struct Round {
        var localSeconds: Double, clusterSeconds: Double
        var sameAnswer: Bool
        var fetched: FetchFigures?
        var ratio: Double { clusterSeconds / localSeconds }
    }

    /// Runs `job` in local mode, then on the local cluster, `rounds` times;
    /// records the times of the round with the median ratio (cluster ÷ local,
    /// checked against `target`), the spread of the ratios, that every run gave
    /// the same answer, and for the cluster the shuffle fetch throughput.
    private func compare(_ workload: String, target: Double?, _ report: inout EngineReport,
                         _ job: (Context) async throws -> String) async throws {
        if let only = ProcessInfo.processInfo.environment["ATOMIC_BENCH_CLUSTER_ONLY"],
           !only.split(separator: ",").contains(Substring(workload)) { return }
        var rounds: [Round] = []
        var firstAnswer: String?
        for _ in 0..<(report.quick ? 1 : Self.rounds) {
            let local = try await Context(config: Self.local)
            let (expected, localSeconds) = try await timed { try await job(local) }
            await local.stop()
            let cluster = try await Context(config: Self.cluster)
            let (answer, clusterSeconds) = try await timed { try await job(cluster) }
            let fetched = await cluster.clusterFetchStatistics()
            await cluster.stop()
            print("cluster \(workload): local \(expected) in \(localSeconds) s; cluster \(answer) in \(clusterSeconds) s")
            let same = answer == expected && expected == (firstAnswer ?? expected)
            firstAnswer = firstAnswer ?? expected
            rounds.append(Round(localSeconds: localSeconds, clusterSeconds: clusterSeconds, sameAnswer: same, fetched: fetched))
        }
        let median = rounds.sorted { $0.ratio < $1.ratio }[rounds.count / 2]
        let of = rounds.count > 1 ? ", median of \(rounds.count) rounds" : ""
        report.split("\(workload): local mode, 2 cores, s\(of)", seconds: median.localSeconds)
        report.ratio("\(workload): 2-worker local cluster, s\(of)", seconds: median.clusterSeconds, baseline: median.localSeconds,
                     target: target)
        if rounds.count > 1 {
            let ratios = rounds.map(\.ratio)
            report.figure("\(workload): lowest ratio of the rounds", ratios.min()!, unit: "")
            report.figure("\(workload): highest ratio of the rounds", ratios.max()!, unit: "")
        }
        report.check("\(workload): same answer on both", rounds.allSatisfy(\.sameAnswer))
        if let fetched = median.fetched, fetched.bytes > 0, fetched.seconds > 0, fetched.receivedSeconds > 0 {
            report.figure("\(workload): shuffle fetch between workers, MB/s (\(fetched.fetches) fetches, \(fetched.bytes >> 20) MiB)",
                          Double(fetched.bytes) / fetched.seconds / 1e6, unit: "MB/s")
            report.figure("\(workload): the same fetches to bytes received (no decoding), MB/s",
                          Double(fetched.bytes) / fetched.receivedSeconds / 1e6, unit: "MB/s")
        }
    }
}
