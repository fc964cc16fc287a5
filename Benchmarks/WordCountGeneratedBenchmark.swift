import AtomicRDD
import Foundation

/// Atomic's word count: 3M words, `word{(line * 20 + w) % 5000}`, 20 a line,
/// the lines generated in the tasks, then `words()` → `(word, 1)` →
/// `reduceByKey(+)` → `collect()`: 5,000 distinct words, 600 each.
struct WordCountGeneratedBenchmark: Benchmark {
    let name = "wordcount"
    var runsInChildProcess: Bool { true }

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let lines = quick ? 15_000 : 150_000
        let partitions = 4
        var report = EngineReport(benchmark: name, quick: quick)
        let sc = try await Context(config: engineConfig)
        let (counts, seconds) = try await report.job(target: 0.15) {
            try await sc.range(0, lines, numPartitions: partitions)
                .map { Self.line($0) }
                .words()
                .map { ($0, 1) }
                .reduceByKey(+)
                .collect()
        }
        report.budgetPeak(of: sc)
        try await report.inputStage("map side: lines → words → pairs", jobSeconds: seconds) {
            try await sc.range(0, lines, numPartitions: partitions).map { Self.line($0) }.words().map { ($0, 1) }.count()
        }
        await sc.stop()
        let words = lines * 20
        let each = words / 5000
        // The same lines and words counted in plain Swift, one thread.
        let (plainCounts, plain) = clocked {
            var counts: [Word: Int] = [:]
            for line in 0..<lines {
                for word in Self.line(line).words { counts[word, default: 0] += 1 }
            }
            return counts
        }
        print("wordcount: \(words) words in \(lines) lines, \(counts.count) distinct, "
              + "counts \(counts.map(\.1).min() ?? 0)...\(counts.map(\.1).max() ?? 0)")
        report.figure("words per second", Double(words) / seconds, unit: "/s")
        report.split("plain Swift loop and [Word: Int], 1 thread, s", seconds: plain)
        report.check("counts equal plain Swift's", Dictionary(uniqueKeysWithValues: counts) == plainCounts)
        report.check("5000 distinct words, \(each) each", counts.count == 5000 && counts.allSatisfy { $0.1 == each })
        report.check("the words are word0...word4999",
                     Set(counts.map { $0.0.description }) == Set((0..<5000).map { "word\($0)" }))
        return report.finished()
    }

    /// Line `line`: "word{(line * 20 + w) % 5000}" for w in 0..<20, single spaces.
    ///
    /// Written as a user should build a string from bytes: straight into the
    /// string's own storage (one allocation), not into an array then copied.
    static func line(_ line: Int) -> String {
        String(unsafeUninitializedCapacity: 20 * 9) { buffer in
            var count = 0
            for w in 0..<20 {
                if w > 0 {
                    buffer[count] = 0x20
                    count += 1
                }
                for byte in "word".utf8 {
                    buffer[count] = byte
                    count += 1
                }
                count = appendDecimal((line * 20 + w) % 5000, to: buffer, at: count)
            }
            return count
        }
    }

    /// Writes `value` (below 10^8) in decimal at `index`, returning the index after it.
    private static func appendDecimal(_ value: Int, to buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        var digits = 1, power = 10
        while power <= value && digits < 8 {
            digits += 1
            power *= 10
        }
        var rest = value
        for i in stride(from: index + digits - 1, through: index, by: -1) {
            buffer[i] = UInt8(48 + rest % 10)
            rest /= 10
        }
        return index + digits
    }
}
