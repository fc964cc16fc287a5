import AtomicRDD
import Foundation

/// Word count over a text file with the engine's byte-level text path (splits →
/// `LineReader` blocks → `WordCounts`, one thread per core), beside the natural
/// `String.split` + `[String: Int]` code on the same file in the same run.
///
/// The file is `ATOMIC_BENCH_TEXT` (e.g. the reference `text.txt`) or, when
/// unset, 100 MB of generated Zipf-like text.
struct WordCountTextBenchmark: Benchmark {
    let name = "wordcount-text"

    func run(quick: Bool) async throws -> [BenchmarkResult] {
        let path = try ProcessInfo.processInfo.environment["ATOMIC_BENCH_TEXT"] ?? generate(megabytes: quick ? 20 : 100)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let cores = ProcessInfo.processInfo.activeProcessorCount

        let start = ContinuousClock.now
        let splits = try FileSplitter.splits(of: [path], minPartitions: cores * 4)
        let partials = try await withThrowingTaskGroup(of: WordCounts.self) { group in
            for worker in 0..<cores {
                group.addTask {
                    var counts = WordCounts(capacity: 1 << 16)
                    for split in splits.enumerated() where split.offset % cores == worker {
                        try LineReader.forEachBlock(in: split.element) { counts.addWords(in: $0) }
                    }
                    return counts
                }
            }
            var all: [WordCounts] = []
            for try await partial in group { all.append(partial) }
            return all
        }
        var total = partials[0]
        for partial in partials.dropFirst() { total.merge(partial) }
        let fast = (ContinuousClock.now - start).seconds
        let top = total.top(5)

        // The natural code, on a prefix (it is slow), one thread, extrapolated per byte.
        let prefixBytes = min(size, quick ? 5 << 20 : 20 << 20)
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let prefix = String(decoding: try handle.read(upToCount: prefixBytes) ?? Data(), as: UTF8.self)
        try handle.close()
        let slowStart = ContinuousClock.now
        var dictionary: [String: Int] = [:]
        for line in prefix.split(separator: "\n") {
            for word in line.split(separator: " ") { dictionary[String(word), default: 0] += 1 }
        }
        let slow = (ContinuousClock.now - slowStart).seconds
        precondition(!dictionary.isEmpty || prefixBytes == 0, "baseline counted nothing")

        let fastRate = Double(size) / fast / 1e6
        let slowRate = Double(prefixBytes) / slow / 1e6
        print("wordcount-text: \(size) bytes, \(total.totalCount) words, \(total.distinctCount) distinct; top 5: "
              + top.map { "\($0.word) \($0.count)" }.joined(separator: ", "))
        return [
            BenchmarkResult(benchmark: name, metric: "job time, s (\(cores) threads)", value: fast, unit: "s",
                            target: path.hasSuffix("text.txt") ? "<= 1.0 s on text.txt" : nil),
            BenchmarkResult(benchmark: name, metric: "MB/s vs String.split (1 thread)", value: fastRate, unit: "MB/s",
                            baseline: slowRate),
        ]
    }

    /// Writes `megabytes` of space-separated words with a Zipf-like spread, 10-15 a line.
    private func generate(megabytes: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-wordcount-\(megabytes)mb.txt").path
        if FileManager.default.fileExists(atPath: path) { return path }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        let vocabulary = (0..<40_000).map { "w\(String($0, radix: 36))" }
        var out = [UInt8]()
        out.reserveCapacity(megabytes << 20)
        while out.count < megabytes << 20 {
            let words = 10 + Int(next() % 6)
            for index in 0..<words {
                // Zipf-like: squaring a uniform number favours small ranks.
                let u = Double(next() % 1_000_000) / 1_000_000
                out.append(contentsOf: vocabulary[Int(u * u * u * Double(vocabulary.count))].utf8)
                out.append(index == words - 1 ? 0x0A : 0x20)
            }
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
        return path
    }
}
