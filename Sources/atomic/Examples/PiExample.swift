import AtomicRDD
import Foundation

/// `atomic pi [--samples N] [--partitions P]`: estimates π by throwing random
/// points at the unit square in parallel tasks and counting those inside the
/// quarter circle. Each partition draws its own points from a generator seeded
/// by its index, so the estimate depends on N and P only.
enum PiExample: Example {
    static let name = "pi"
    static let synopsis = "[--samples N] [--partitions P]"
    static let summary = "Monte Carlo estimate of pi in parallel tasks"

    static let samples = IntegerFlag(name: "--samples", placeholder: "N", range: 0...1_000_000_000_000)
    static let partitions = IntegerFlag(name: "--partitions", placeholder: "P", range: 1...100_000)
    static var flags: [IntegerFlag] { [samples, partitions] }

    /// What the points gave.
    struct Result: Equatable, Sendable {
        /// Points drawn.
        let samples: Int
        /// Points inside the quarter circle.
        let inside: Int
        /// 4 × inside / samples (0 with no samples).
        var estimate: Double { samples == 0 ? 0 : 4 * Double(inside) / Double(samples) }
    }

    /// Draws `samples` points, spread over `partitions` tasks as evenly as
    /// possible, and counts those inside the quarter circle.
    ///
    /// - Throws: what the job throws.
    static func estimate(_ sc: Context, samples: Int, partitions: Int) async throws -> Result {
        if sc.config.deployment != .local { return try await estimateOnCluster(sc, samples: samples, partitions: partitions) }
        let inside = try await sc.parallelize(0..<partitions, numPartitions: partitions)
            .map { partition in
                // The first `samples % partitions` partitions draw one point more.
                let share = samples / partitions + (partition < samples % partitions ? 1 : 0)
                return insideCount(samples: share, seed: UInt64(partition))
            }
            .fold(0, +)
        return Result(samples: samples, inside: inside)
    }

    /// How many of `samples` points drawn from a generator seeded with `seed`
    /// fall inside the quarter circle.
    static func insideCount(samples: Int, seed: UInt64) -> Int {
        var random = XorShift(seed: seed)
        var inside = 0
        for _ in 0..<samples {
            let x = random.nextUnit(), y = random.nextUnit()
            if x * x + y * y <= 1 { inside += 1 }
        }
        return inside
    }

    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws {
        let n = arguments.value(of: samples, default: 100_000_000)
        let p = arguments.value(of: partitions, default: 4 * sc.config.cores)
        print("pi from \(Format.grouped(n)) random points in \(p) tasks, \(sc.config.modeDescription) with \(sc.config.cores) cores")
        let start = ContinuousClock.now
        let result = try await estimate(sc, samples: n, partitions: p)
        let elapsed = ContinuousClock.now - start
        print("inside the quarter circle: \(Format.grouped(result.inside)) of \(Format.grouped(result.samples))")
        print(String(format: "pi ≈ %.6f (error %.6f)", result.estimate, abs(result.estimate - Double.pi)))
        print("job time: \(Format.seconds(elapsed))")
    }
}
