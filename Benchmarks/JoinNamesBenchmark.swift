import AtomicRDD
import Foundation

/// The join of the 20M pairs of pairs.bin with names.csv (`key,name`, read
/// with `textFile` and split at the comma); rows, the sum of values and the
/// sum of name lengths are computed in the tasks.
struct JoinNamesBenchmark: Benchmark {
    let name = "join-names"
    var runsInChildProcess: Bool { true }

    struct BadLine: Error, CustomStringConvertible {
        var line: String
        var description: String { "names.csv: no `key,name` in line \"\(line)\"" }
    }

    /// What the tasks add up.
    struct JoinTotals: Sendable {
        var rows = 0, values = 0, nameLengths = 0

        func adding(value: Int, name: String) -> JoinTotals {
            JoinTotals(rows: rows + 1, values: values + value, nameLengths: nameLengths + name.utf8.count)
        }

        func merged(_ other: JoinTotals) -> JoinTotals {
            JoinTotals(rows: rows + other.rows, values: values + other.values, nameLengths: nameLengths + other.nameLengths)
        }
    }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let data = try ReferenceData.locate(quick: quick)
        guard let pairsPath = data.path("pairs.bin", for: name), let namesPath = data.path("names.csv", for: name) else { return [] }
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (totals, seconds) = try await report.job(target: 4.0) {
            let names = try Self.names(sc, path: namesPath)
            let joined: RDD<(Int, (Int, String))> = try binaryPairs(sc, path: pairsPath).join(names)
            return try await joined.aggregate(JoinTotals(), { $0.adding(value: $1.1.0, name: $1.1.1) }, { $0.merged($1) })
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("reading pairs.bin and names.csv", jobSeconds: seconds) {
            try await binaryPairs(sc, path: pairsPath).count() + Self.names(sc, path: namesPath).count()
        }
        await sc.stop()
        print("join-names: \(totals.rows) rows, sum of values \(totals.values), sum of name lengths \(totals.nameLengths)")
        report.figure("joined rows per second", Double(totals.rows) / seconds, unit: "/s")
        if let expected = data.expected.pairs { report.check("\(expected) rows", totals.rows == expected) }
        if let expected = data.expected.sumValues { report.check("sum of values \(expected)", totals.values == expected) }
        if let expected = data.expected.nameLengthSum {
            report.check("sum of name lengths \(expected)", totals.nameLengths == expected)
        }
        return report.finished(peakTarget: 1 << 30)
    }

    /// The `(key, name)` pairs of names.csv.
    static func names(_ sc: Context, path: String) throws -> RDD<(Int, String)> {
        try sc.textFile(path).map { line -> (Int, String) in
            guard let comma = line.utf8.firstIndex(of: UInt8(ascii: ",")), let key = Int(line[..<comma]) else {
                throw BadLine(line: line)
            }
            return (key, String(line[line.index(after: comma)...]))
        }
    }
}
