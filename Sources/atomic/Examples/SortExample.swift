import AtomicRDD
import Foundation

/// `atomic sort [--records N] [--partitions P]`: sorts generated `(Int, Int)`
/// pairs with `sortByKey`, then checks in the tasks that every partition is in
/// order and that the partitions follow each other, and that no record was lost.
enum SortExample: Example {
    static let name = "sort"
    static let synopsis = "[--records N] [--partitions P]"
    static let summary = "sortByKey of generated (Int, Int) pairs, with the order checked"

    static let records = IntegerFlag(name: "--records", placeholder: "N", range: 0...1_000_000_000)
    static let partitions = IntegerFlag(name: "--partitions", placeholder: "P", range: 1...100_000)
    static var flags: [IntegerFlag] { [records, partitions] }

    /// How many records the result shows from each end.
    static let shown = 5

    /// A record: a key and the index of the record it was generated for.
    struct Record: Equatable, Sendable {
        let key: Int
        let value: Int
    }

    /// What the sort gave.
    struct Result: Equatable, Sendable {
        /// Records after the sort.
        let count: Int
        /// True when every key is at most the next one, across partitions too.
        let ordered: Bool
        /// True when the sorted keys add up to what the generated keys add up to.
        let keysPreserved: Bool
        /// The first few records in sorted order.
        let first: [Record]
        /// The last few records in sorted order.
        let last: [Record]
        /// Partitions of the sorted RDD.
        let partitions: Int
    }

    /// The key of record `index`: pseudo-random, with some repeats.
    @inline(__always)
    static func key(of index: Int) -> Int {
        var random = XorShift(seed: UInt64(index))
        return Int(random.next() % 1_000_000_000)
    }

    /// Generates `records` pairs `(key(of: i), i)` in the tasks, sorts them by
    /// key into `partitions` partitions, and checks the result.
    ///
    /// - Throws: what the jobs throw.
    static func sort(_ sc: Context, records: Int, partitions: Int) async throws -> Result {
        let sorted = sc.range(0, records, numPartitions: partitions)
            .map { index in (key(of: index), index) }
            .sortByKey(numPartitions: partitions)
        let shown = self.shown
        let summaries = try await sc.runJob(sorted) { _, records in
            var summary = PartitionSummary()
            while let (key, value) = try records.next() { summary.add(Record(key: key, value: value), keep: shown) }
            return summary
        }
        var expectedKeySum = 0
        for index in 0..<records { expectedKeySum &+= key(of: index) }

        let nonEmpty = summaries.filter { $0.count > 0 }
        var ordered = nonEmpty.allSatisfy(\.ordered)
        for (previous, next) in zip(nonEmpty, nonEmpty.dropFirst()) where previous.last.last!.key > next.first[0].key {
            ordered = false
        }
        return Result(count: summaries.reduce(0) { $0 + $1.count },
                      ordered: ordered,
                      keysPreserved: summaries.reduce(0) { $0 &+ $1.keySum } == expectedKeySum,
                      first: Array(nonEmpty.flatMap(\.first).prefix(shown)),
                      last: Array(nonEmpty.flatMap(\.last).suffix(shown)),
                      partitions: sorted.partitionCount)
    }

    /// What one task reports about its sorted partition.
    struct PartitionSummary: Sendable {
        var count = 0
        var ordered = true
        var keySum = 0
        var first: [Record] = []
        var last: [Record] = []

        mutating func add(_ record: Record, keep: Int) {
            if let previous = last.last, previous.key > record.key { ordered = false }
            count += 1
            keySum &+= record.key
            if first.count < keep { first.append(record) }
            // `last` keeps the final few; at least the previous record, for the order check.
            if last.count >= Swift.max(keep, 1) { last.removeFirst() }
            last.append(record)
        }
    }

    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws {
        let n = arguments.value(of: records, default: 1_000_000)
        let p = arguments.value(of: partitions, default: 2 * sc.config.cores)
        print("sortByKey of \(Format.grouped(n)) generated (Int, Int) pairs into \(p) partitions, "
              + "local mode with \(sc.config.cores) cores")
        let start = ContinuousClock.now
        let result = try await sort(sc, records: n, partitions: p)
        let elapsed = ContinuousClock.now - start
        print("first: " + result.first.map { "(\($0.key), \($0.value))" }.joined(separator: " "))
        print("last:  " + result.last.map { "(\($0.key), \($0.value))" }.joined(separator: " "))
        print("\(Format.grouped(result.count)) records in \(result.partitions) partitions; "
              + "in order: \(result.ordered ? "yes" : "NO"); keys preserved: \(result.keysPreserved ? "yes" : "NO")")
        print("job time: \(Format.seconds(elapsed))")
        guard result.ordered, result.keysPreserved, result.count == n else { throw SortCheckFailed() }
    }

    /// The sorted output was out of order or lost records.
    struct SortCheckFailed: Error, CustomStringConvertible {
        var description: String { "the sorted records are out of order, or records were lost" }
    }
}
