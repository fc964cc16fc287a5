import Foundation

/// The reference data set of /work/shared/bench/gen_data.py (text.txt,
/// pairs.bin, names.csv, MANIFEST.json), taken by path, with the figures a
/// correct run must reproduce.
///
/// Full scale reads `ATOMIC_BENCH_DATA` (default /tmp/atomic-bench-data), which
/// gen_data.py fills. `--quick` reads `ATOMIC_BENCH_QUICK_DATA` (default
/// /tmp/atomic-bench-data-quick), which this executable fills itself on first
/// use with a small data set in the same formats (no Python needed), writing
/// the figures it expects into that folder's MANIFEST.json.
struct ReferenceData {
    let directory: String
    let expected: Expected

    /// What a correct run reproduces; nil where the manifest does not say.
    struct Expected {
        var words: Int?
        var distinctWords: Int?
        var topWords: [(String, Int)]?
        var pairs: Int?
        var distinctKeys: Int?
        var sumValues: Int?
        var minKey: Int?
        var maxKey: Int?
        var nameLengthSum: Int?
    }

    /// The data folder for this scale (generated first for `--quick`).
    static func locate(quick: Bool) throws -> ReferenceData {
        let environment = ProcessInfo.processInfo.environment
        if quick {
            let directory = environment["ATOMIC_BENCH_QUICK_DATA"] ?? "/tmp/atomic-bench-data-quick"
            try QuickData.generateIfMissing(in: directory)
            return ReferenceData(directory: directory, expected: expectations(in: directory))
        }
        let directory = environment["ATOMIC_BENCH_DATA"] ?? "/tmp/atomic-bench-data"
        return ReferenceData(directory: directory, expected: expectations(in: directory))
    }

    /// The path of `file` in the folder, or nil (after printing a skip line
    /// for `benchmark`) when it is missing.
    func path(_ file: String, for benchmark: String) -> String? {
        let path = (directory as NSString).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: path) else {
            print("\(benchmark): skipped: \(path) is missing (make it with: python3 /work/shared/bench/gen_data.py \(directory))")
            return nil
        }
        return path
    }

    /// The figures in MANIFEST.json; at gen_data.py's full scale, also the ones
    /// /work/shared/bench/README.md gives for the pairs (the pairs depend only
    /// on the seed; the text's vocabulary depends on the machine, so its word
    /// figures come from the manifest alone).
    private static func expectations(in directory: String) -> Expected {
        var expected = Expected()
        let path = (directory as NSString).appendingPathComponent("MANIFEST.json")
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return expected }
        let text = manifest["text"] as? [String: Any] ?? [:]
        let pairs = manifest["pairs"] as? [String: Any] ?? [:]
        expected.words = text["words"] as? Int
        expected.distinctWords = text["distinct_words"] as? Int
        if let top = text["top_words"] as? [[Any]] {
            expected.topWords = top.compactMap { entry in
                guard entry.count == 2, let word = entry[0] as? String, let count = entry[1] as? Int else { return nil }
                return (word, count)
            }
        }
        expected.pairs = pairs["pairs"] as? Int
        expected.distinctKeys = pairs["distinct_keys"] as? Int
        expected.sumValues = pairs["sum_values"] as? Int
        expected.minKey = pairs["min_key"] as? Int
        expected.maxKey = pairs["max_key"] as? Int
        expected.nameLengthSum = pairs["name_length_sum"] as? Int
        if manifest["scale"] as? Double == 1.0, expected.pairs == 20_000_000 {
            expected.minKey = expected.minKey ?? 48
            expected.maxKey = expected.maxKey ?? 999_998_930
            expected.nameLengthSum = expected.nameLengthSum ?? 260_000_000
        }
        return expected
    }
}

/// A small data set in gen_data.py's formats, made in plain Swift for `--quick`:
/// about 4 MB of Zipf-like text, 400,000 pairs over 20,000 keys, and their names.
enum QuickData {
    static func generateIfMissing(in directory: String) throws {
        let manifest = (directory as NSString).appendingPathComponent("MANIFEST.json")
        if FileManager.default.fileExists(atPath: manifest) { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = XorShift64(state: 0x5DEE_CE66_D1CE_4E5B)

        // Text: words of a 3,000-word vocabulary, favouring low ranks, 10-15 a line.
        let vocabulary = (0..<3000).map { "v" + String($0, radix: 36) }
        var wordCounts: [String: Int] = [:]
        var text: [UInt8] = []
        var words = 0
        while text.count < 4 << 20 {
            let lineWords = 10 + Int(generator.next() % 6)
            for index in 0..<lineWords {
                let u = Double(generator.next() % 1_000_000) / 1_000_000
                let word = vocabulary[Int(u * u * u * Double(vocabulary.count))]
                wordCounts[word, default: 0] += 1
                words += 1
                text.append(contentsOf: word.utf8)
                text.append(index == lineWords - 1 ? 0x0A : 0x20)
            }
        }
        try write(text, to: directory, "text.txt")

        // Pairs: keys from a universe of random ids below 1e9, skewed to low ranks.
        let universeSize = 20_000, pairCount = 400_000
        var universeSet = Set<Int>()
        while universeSet.count < universeSize { universeSet.insert(Int(generator.next() % 1_000_000_000)) }
        let universe = universeSet.sorted()
        var binary = [UInt8]()
        binary.reserveCapacity(pairCount * 16)
        var keys = Set<Int>(), sumValues = 0, minKey = Int.max, maxKey = Int.min
        for _ in 0..<pairCount {
            let u = Double(generator.next() % 1_000_000) / 1_000_000
            let key = universe[Int(u * u * Double(universeSize))]
            let value = Int(generator.next() % 1_000_000)
            withUnsafeBytes(of: Int64(key).littleEndian) { binary.append(contentsOf: $0) }
            withUnsafeBytes(of: Int64(value).littleEndian) { binary.append(contentsOf: $0) }
            keys.insert(key)
            sumValues += value
            minKey = Swift.min(minKey, key)
            maxKey = Swift.max(maxKey, key)
        }
        try write(binary, to: directory, "pairs.bin")
        // One name per key of the universe, as gen_data.py: name_{(k * 2654435761) % 2^32, 8 hex digits}.
        var names = ""
        for key in universe {
            let hex = String((key &* 2_654_435_761) % 4_294_967_296, radix: 16)
            names += "\(key),name_\(String(repeating: "0", count: 8 - hex.count) + hex)\n"
        }
        try write(Array(names.utf8), to: directory, "names.csv")

        let top = wordCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
        let figures: [String: Any] = [
            "scale": "quick",
            "text": ["words": words, "distinct_words": wordCounts.count, "top_words": top.map { [$0.key, $0.value] }],
            "pairs": ["pairs": pairCount, "distinct_keys": keys.count, "sum_values": sumValues, "min_key": minKey,
                      "max_key": maxKey, "name_length_sum": pairCount * 13],
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
        try json.write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("MANIFEST.json")))
    }

    private static func write(_ bytes: [UInt8], to directory: String, _ name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
    }
}

/// The size of a file in bytes, or 0.
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}
