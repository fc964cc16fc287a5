import AtomicRDD
import Foundation

/// Word count of the reference text.txt through the RDD API:
/// `textFile` → `words()` → `(word, 1)` → `reduceByKey(+)` → `collect()`,
/// and the same job with `flatMap(\.words)` (a `String` and an array per line)
/// in place of `words()`, timed beside it.
struct WordCountFileBenchmark: Benchmark {
    let name = "wordcount-file"
    var runsInChildProcess: Bool { true }
    /// Two splits per task slot: the engine's default (splits of at most 64 MiB)
    /// makes 3 of the 200 MB file, and 3 tasks on 2 slots leave one slot idle
    /// for the last third of the map stage.
    static let partitions = 4

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let data = try ReferenceData.locate(quick: quick)
        guard let path = data.path("text.txt", for: name) else { return [] }
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (counts, seconds) = try await report.job(target: 1.0) {
            try await sc.textFile(path, minPartitions: Self.partitions)
                .words()
                .map { ($0, 1) }
                .reduceByKey(+)
                .collect()
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("map side: textFile → words() → pairs", jobSeconds: seconds) {
            try await sc.textFile(path, minPartitions: Self.partitions).words().map { ($0, 1) }.count()
        }
        let (flatMapped, flatMapSeconds) = try await timed {
            try await sc.textFile(path, minPartitions: Self.partitions)
                .flatMap(\.words)
                .map { ($0, 1) }
                .reduceByKey(+)
                .collect()
        }
        report.split("the job with flatMap(\\.words), s", seconds: flatMapSeconds)
        await sc.stop()
        let total = counts.reduce(0) { $0 + $1.1 }
        let top = counts.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(5).map { ($0.0.description, $0.1) }
        let bytes = fileSize(path)
        print("wordcount-file: \(path): \(counts.count) distinct, \(total) words; top 5: "
              + top.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        report.figure("input MB per second", Double(bytes) / seconds / 1e6, unit: "MB/s")
        if let words = data.expected.words { report.check("\(words) words, as MANIFEST.json", total == words) }
        report.check("flatMap(\\.words) counts the same", Dictionary(uniqueKeysWithValues: flatMapped) == Dictionary(uniqueKeysWithValues: counts))
        if let distinct = data.expected.distinctWords {
            report.check("\(distinct) distinct words, as MANIFEST.json", counts.count == distinct)
        }
        if let expectedTop = data.expected.topWords {
            report.check("top 5 as MANIFEST.json", top.map(\.0) == expectedTop.map(\.0) && top.map(\.1) == expectedTop.map(\.1))
        }
        return report.finished(peakTarget: 1 << 30)
    }
}
