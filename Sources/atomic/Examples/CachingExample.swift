import AtomicRDD
import Foundation

/// `atomic caching`: counts a cached RDD twice. An accumulator counts the
/// elements computed: the first count computes them all, the second reads the
/// cached partitions and computes none; after `unpersist()` a third count
/// computes them again.
enum CachingExample: Example {
    static let name = "caching"
    static let synopsis = "[--records N] [--partitions P]"
    static let summary = "persist/cache: the second count reads the cache, an accumulator shows it"

    static let records = IntegerFlag(name: "--records", placeholder: "N", range: 0...100_000_000)
    static let partitions = IntegerFlag(name: "--partitions", placeholder: "P", range: 1...100_000)
    static var flags: [IntegerFlag] { [records, partitions] }

    /// One count of the RDD and how many elements were computed for it.
    struct Pass: Sendable {
        /// What `count()` returned.
        let count: Int
        /// Elements the map computed during this count.
        let computed: Int
        /// How long the count took.
        let time: Duration
    }

    /// The three counts.
    struct Result: Sendable {
        /// The first count after `cache()`: computes every element and caches the partitions.
        let first: Pass
        /// The second count: from the cache.
        let cached: Pass
        /// A count after `unpersist()`: computed again.
        let afterUnpersist: Pass
    }

    /// Counts `sc.range(0, records).map { x * x }.cache()` twice, then once
    /// more after `unpersist()`, counting the map's computations with an accumulator.
    ///
    /// - Throws: what the jobs throw.
    static func countTwice(_ sc: Context, records: Int, partitions: Int) async throws -> Result {
        let computed = sc.longAccumulator()
        let squares = sc.range(0, records, numPartitions: partitions)
            .map { x in
                computed.add(1)
                return x &* x
            }
            .cache()
        func pass() async throws -> Pass {
            let before = computed.value
            let start = ContinuousClock.now
            let count = try await squares.count()
            return Pass(count: count, computed: computed.value - before, time: ContinuousClock.now - start)
        }
        let first = try await pass()
        let cached = try await pass()
        await squares.unpersist()
        let afterUnpersist = try await pass()
        return Result(first: first, cached: cached, afterUnpersist: afterUnpersist)
    }

    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws {
        let n = arguments.value(of: records, default: 1_000_000)
        let p = arguments.value(of: partitions, default: 2 * sc.config.cores)
        print("squares = sc.range(0, \(Format.grouped(n))).map { computed.add(1); return $0 * $0 }.cache()")
        let result = try await countTwice(sc, records: n, partitions: p)
        report("squares.count()               ", result.first)
        report("squares.count() again (cache) ", result.cached)
        report("after squares.unpersist()     ", result.afterUnpersist)
    }

    private static func report(_ label: String, _ pass: Pass) {
        print("\(label) = \(Format.grouped(pass.count)); elements computed: \(Format.grouped(pass.computed)); "
              + Format.seconds(pass.time))
    }
}
