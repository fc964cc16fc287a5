import AtomicRDD
import Foundation

/// `sortByKey()` of the 20M pairs of the reference pairs.bin. Nothing is
/// collected: each sorted partition reports its first and last key, count,
/// sum of values and whether it is in order, and the driver checks the
/// partitions follow one another.
struct SortByKeyPairsBenchmark: Benchmark {
    let name = "sort-pairs"
    var runsInChildProcess: Bool { true }

    /// What one sorted partition reports.
    struct PartitionSummary: Sendable {
        var index: Int
        var count = 0
        var first: Int?
        var last: Int?
        var sumValues = 0
        var inOrder = true
    }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let data = try ReferenceData.locate(quick: quick)
        guard let path = data.path("pairs.bin", for: name) else { return [] }
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (summaries, seconds) = try await report.job(target: 2.5) {
            try await binaryPairs(sc, path: path)
                .sortByKey()
                .mapPartitionsWithIndex { index, records in
                    var summary = PartitionSummary(index: index)
                    for (key, value) in records {
                        if let last = summary.last, key < last { summary.inOrder = false }
                        if summary.first == nil { summary.first = key }
                        summary.last = key
                        summary.count += 1
                        summary.sumValues += value
                    }
                    return [summary]
                }
                .collect()
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("reading pairs.bin into pairs", jobSeconds: seconds) {
            try await binaryPairs(sc, path: path).count()
        }
        await sc.stop()
        let filled = summaries.filter { $0.count > 0 }
        let count = summaries.reduce(0) { $0 + $1.count }
        let sum = summaries.reduce(0) { $0 + $1.sumValues }
        let minKey = filled.first?.first ?? -1, maxKey = filled.last?.last ?? -1
        let ordered = filled.allSatisfy(\.inOrder) && zip(filled, filled.dropFirst()).allSatisfy { $0.last! <= $1.first! }
        print("sort-pairs: \(count) records in \(summaries.count) partitions (sizes "
              + summaries.map { String($0.count) }.joined(separator: ", ") + "), keys \(minKey)...\(maxKey)")
        report.figure("records per second", Double(count) / seconds, unit: "/s")
        report.check("in order within and across partitions", ordered)
        if let expected = data.expected.pairs { report.check("\(expected) records", count == expected) }
        if let expected = data.expected.sumValues { report.check("sum of values \(expected) (none lost)", sum == expected) }
        if let expected = data.expected.minKey { report.check("min key \(expected)", minKey == expected) }
        if let expected = data.expected.maxKey { report.check("max key \(expected)", maxKey == expected) }
        return report.finished(peakTarget: 1 << 30)
    }
}
