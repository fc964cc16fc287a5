import AtomicRDD
import Foundation

/// Atomic's sort: 2M records, keys from one xorshift64 stream (seed
/// 0x2545F4914F6CDD1D) mod 10,000,000, values their index, generated in the
/// tasks, sorted by `sortByKey` and collected to the driver.
struct SortGeneratedBenchmark: Benchmark {
    let name = "sort"
    var runsInChildProcess: Bool { true }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let count = quick ? 200_000 : 2_000_000
        let partitions = 2
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (sorted, seconds) = try await report.job(target: 0.2) {
            try await xorshiftPairs(sc, count: count, seed: 0x2545_F491_4F6C_DD1D, modulus: 10_000_000, partitions: partitions)
                .sortByKey()
                .collect()
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("generating the records", jobSeconds: seconds) {
            try await xorshiftPairs(sc, count: count, seed: 0x2545_F491_4F6C_DD1D, modulus: 10_000_000, partitions: partitions).count()
        }
        await sc.stop()
        // Independently: the same records from the stream, sorted in plain Swift, one thread.
        let (plainSorted, plain) = clocked {
            Array(XorShiftPairs(seed: 0x2545_F491_4F6C_DD1D, modulus: 10_000_000, indices: 0..<count)).sorted { $0.0 < $1.0 }
        }
        let inOrder = zip(sorted, sorted.dropFirst()).allSatisfy { $0.0 <= $1.0 }
        print("sort: \(sorted.count) records, keys \(sorted.first?.0 ?? -1)...\(sorted.last?.0 ?? -1)")
        report.figure("records per second", Double(count) / seconds, unit: "/s")
        report.split("plain Swift generate and sort, 1 thread, s", seconds: plain)
        report.check("\(count) records in key order", sorted.count == count && inOrder)
        report.check("keys equal plain Swift's sorted keys", sorted.map(\.0) == plainSorted.map(\.0))
        report.check("every index once", Set(sorted.map(\.1)).count == count)
        return report.finished()
    }
}
