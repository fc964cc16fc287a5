import AtomicRDD
import Foundation

/// `atomic wordcount [PATH] [--top K] [--partitions N]`: counts the words of a
/// text file with the fast text API, and prints the most frequent ones. With no
/// PATH it counts ~100 MB of generated English-like text. This is also what
/// `atomic` runs with no subcommand.
enum WordCountExample: Example {
    static let name = "wordcount"
    static let synopsis = "[PATH] [--top K] [--partitions N]"
    static let summary = "word count of a text file (default: 100 MB of generated English-like text)"
    static let maxPositional = 1

    static let top = IntegerFlag(name: "--top", placeholder: "K", range: 0...100_000)
    static let partitions = IntegerFlag(name: "--partitions", placeholder: "N", range: 1...100_000)
    static var flags: [IntegerFlag] { [top, partitions] }

    /// The size of the generated text counted when no PATH is given.
    static let generatedBytes = 100_000_000

    /// A word and how often it occurs.
    struct WordCount: Equatable, Sendable {
        let word: String
        let count: Int
    }

    /// What the word count found.
    struct Result: Equatable, Sendable {
        /// The most frequent words, most frequent first; ties in byte order of the words.
        let top: [WordCount]
        /// Distinct words.
        let distinctWords: Int
        /// Words, with repetitions.
        let totalWords: Int
    }

    /// Counts the words of the file(s) at `path` (split on ASCII whitespace).
    ///
    /// - Throws: ``InputError`` when `path` names no readable file, what the jobs throw.
    static func count(_ sc: Context, path: String, top k: Int, partitions: Int? = nil) async throws -> Result {
        if sc.config.deployment != .local { return try await countOnCluster(sc, path: path, top: k, partitions: partitions) }
        let counts = try sc.textFile(path, minPartitions: partitions)
            .words()
            .map { ($0, 1) }
            .reduceByKey(+)
        // The second job reads the shuffle output the first one wrote: the text is read once.
        let top = try await counts.top(k) { a, b in a.1 != b.1 ? a.1 < b.1 : b.0 < a.0 }
        let (distinct, total) = try await counts.aggregate((0, 0), { sum, pair in (sum.0 + 1, sum.1 + pair.1) },
                                                           { a, b in (a.0 + b.0, a.1 + b.1) })
        return Result(top: top.map { WordCount(word: $0.0.description, count: $0.1) },
                      distinctWords: distinct, totalWords: total)
    }

    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws {
        let path: String
        if let given = arguments.positional.first {
            path = given
        } else {
            let start = ContinuousClock.now
            let file = try EnglishLikeText.file(byteCount: generatedBytes)
            path = file.path
            print(file.reused
                  ? "no PATH given: counting generated English-like text already at \(path)"
                  : "no PATH given: generated \(Format.megabytes(generatedBytes)) of English-like text at \(path) "
                    + "in \(Format.seconds(ContinuousClock.now - start))")
        }
        let k = arguments.value(of: top, default: 10)
        let partitionCount = arguments.value(of: partitions) ?? 2 * sc.config.cores
        let bytes = inputBytes(path)
        print("word count of \(path)\(bytes.map { " (\(Format.megabytes($0)))" } ?? "") in \(sc.config.modeDescription): "
              + "\(sc.config.cores) cores, \(partitionCount) partitions at least")

        let start = ContinuousClock.now
        let result = try await count(sc, path: path, top: k, partitions: partitionCount)
        let elapsed = ContinuousClock.now - start

        if !result.top.isEmpty {
            print("top \(result.top.count) words:")
            let width = result.top.map(\.word.count).max() ?? 0
            for entry in result.top {
                let padding = String(repeating: " ", count: Swift.max(0, width - entry.word.count))
                print("  \(entry.word)\(padding)  \(Format.grouped(entry.count))")
            }
        }
        print("distinct words: \(Format.grouped(result.distinctWords))")
        print("total words: \(Format.grouped(result.totalWords))")
        let rate = bytes.map { " (\(Format.rate(bytes: $0, in: elapsed)))" } ?? ""
        print("job time: \(Format.seconds(elapsed))\(rate)")
    }

    /// The size of a plain file at `path`; nil for directories and globs.
    private static func inputBytes(_ path: String) -> Int? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }
}
