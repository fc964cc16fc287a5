import AtomicRDD
import Foundation

/// Atomic's Monte Carlo π: 12 partitions of 20M samples, generated in the
/// tasks with one xorshift64 stream per partition; a sample hits when its
/// point of the unit square falls in the quarter disc. The tasks draw each
/// stream in eight SIMD lanes (``PiLanes``); the plain Swift figure is the
/// serial loop, which also checks the hits.
struct PiBenchmark: Benchmark {
    let name = "pi"
    var runsInChildProcess: Bool { true }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let partitions = 12
        let perPartition = quick ? 2_000_000 : 20_000_000
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (hits, seconds) = try await report.job(target: 0.4) {
            try await sc.parallelize(0..<partitions, numPartitions: partitions).map { partition in
                PiLanes.hits(state: Self.seed(partition: partition), samples: perPartition)
            }.reduce(+)
        }
        report.budgetPeak(of: sc)
        await sc.stop()
        let samples = partitions * perPartition
        let estimate = 4 * Double(hits) / Double(samples)
        // The same samples counted in plain Swift, one partition after another.
        let (expected, plain) = clocked { (0..<partitions).reduce(0) { $0 + Self.hits(partition: $1, samples: perPartition) } }
        print("pi: \(samples) samples, \(hits) hits, estimate \(estimate)")
        report.figure("samples per second", Double(samples) / seconds, unit: "/s")
        report.split("plain Swift loop, 1 thread, s", seconds: plain)
        report.check("hits equal plain Swift's \(expected)", hits == expected)
        report.check("lanes equal the serial loop on 0, 7, 8, 9 and 1,001 samples",
                     [0, 7, 8, 9, 1001].allSatisfy { PiLanes.hits(state: Self.seed(partition: 3), samples: $0) == Self.hits(partition: 3, samples: $0) })
        report.check("estimate within 0.001 of pi", abs(estimate - Double.pi) < 0.001)
        return report.finished()
    }

    /// The first state of partition `partition`'s stream.
    static func seed(partition: Int) -> UInt64 {
        UInt64(partition) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    }

    /// The hits among `samples` points of partition `partition`'s stream, one after another.
    static func hits(partition: Int, samples: Int) -> Int {
        var generator = XorShift64(state: seed(partition: partition))
        var hits = 0
        for _ in 0..<samples {
            let x = Double(generator.next() & 0xFFFF) / 65535.0
            let y = Double(generator.next() & 0xFFFF) / 65535.0
            // A select, not a branch: hits are a 79% coin flip that the branch
            // predictor cannot learn, and the branch doubles the loop's time.
            hits += x * x + y * y <= 1 ? 1 : 0
        }
        return hits
    }
}
