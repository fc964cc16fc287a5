import AtomicRDD
import Foundation

/// Atomic's join: 1M × 1M pairs, keys mod 200,000 from one xorshift64 stream per
/// side (seeds 0x2545F4914F6CDD1D and 0x9E3779B97F4A7C15; each key is the state
/// after a step), values their index, generated in the tasks, joined and counted.
struct JoinGeneratedBenchmark: Benchmark {
    let name = "join"
    var runsInChildProcess: Bool { true }
    /// The row count Atomic (the Rust engine) reports at full scale.
    static let atomicRows = 5_001_241

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let count = quick ? 100_000 : 1_000_000
        let modulus: UInt64 = quick ? 20_000 : 200_000
        let partitions = 2
        let seeds: (UInt64, UInt64) = (0x2545_F491_4F6C_DD1D, 0x9E37_79B9_7F4A_7C15)
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (rows, seconds) = try await report.job(target: 0.4) {
            let left = xorshiftPairs(sc, count: count, seed: seeds.0, modulus: modulus, partitions: partitions)
            let right = xorshiftPairs(sc, count: count, seed: seeds.1, modulus: modulus, partitions: partitions)
            return try await left.join(right).count()
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("generating both sides", jobSeconds: seconds) {
            try await xorshiftPairs(sc, count: count, seed: seeds.0, modulus: modulus, partitions: partitions).count()
                + xorshiftPairs(sc, count: count, seed: seeds.1, modulus: modulus, partitions: partitions).count()
        }
        await sc.stop()
        // Independently: a hash join in plain Swift, one thread, walking every row.
        let (expected, plain) = clocked {
            var right: [Int: [Int]] = [:]
            for (key, value) in XorShiftPairs(seed: seeds.1, modulus: modulus, indices: 0..<count) {
                right[key, default: []].append(value)
            }
            var rows = 0, checksum = 0
            for (key, value) in XorShiftPairs(seed: seeds.0, modulus: modulus, indices: 0..<count) {
                for other in right[key] ?? [] {
                    rows += 1
                    checksum &+= value ^ other
                }
            }
            return checksum == 0 ? rows : rows
        }
        print("join: \(count) x \(count) pairs, \(rows) rows" + (quick ? "" : "; Atomic reports \(Self.atomicRows): "
              + (rows == Self.atomicRows ? "match" : "DIFFERENT")))
        report.figure("joined rows per second", Double(rows) / seconds, unit: "/s")
        report.split("plain Swift hash join, 1 thread, s", seconds: plain)
        report.check("rows equal plain Swift's \(expected)", rows == expected)
        if !quick { report.check("rows equal Atomic's \(Self.atomicRows)", rows == Self.atomicRows) }
        return report.finished()
    }
}
