import AtomicRDD
import Foundation

/// `reduceByKey(+)` of the 20M pairs of the reference pairs.bin, read with
/// `binaryRecords`; the key count and the sum of the sums are computed in the tasks.
struct ReduceByKeyPairsBenchmark: Benchmark {
    let name = "reduce-pairs"
    var runsInChildProcess: Bool { true }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let data = try ReferenceData.locate(quick: quick)
        guard let path = data.path("pairs.bin", for: name) else { return [] }
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let ((keys, sum), seconds) = try await report.job(target: 1.5) {
            try await binaryPairs(sc, path: path)
                .reduceByKey(+)
                .aggregate((0, 0), { ($0.0 + 1, $0.1 + $1.1) }, { ($0.0 + $1.0, $0.1 + $1.1) })
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("reading pairs.bin into pairs", jobSeconds: seconds) {
            try await binaryPairs(sc, path: path).count()
        }
        await sc.stop()
        let records = fileSize(path) / 16
        print("reduce-pairs: \(records) pairs, \(keys) keys, sum of values \(sum)")
        report.figure("input records per second", Double(records) / seconds, unit: "/s")
        if let expected = data.expected.distinctKeys { report.check("\(expected) keys", keys == expected) }
        if let expected = data.expected.sumValues { report.check("sum of values \(expected)", sum == expected) }
        return report.finished(peakTarget: 1 << 30)
    }
}
