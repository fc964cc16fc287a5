import Foundation

/// Deterministic English-like text for the word-count example: lowercase
/// words separated by spaces, 6 to 16 words a line, drawn with Zipf-like
/// frequencies (the word of rank r about 1/r as often as the first) from a
/// vocabulary of common English words followed by made-up words of English
/// syllables.
///
/// Generation works on bytes (a seeded xorshift picks each word through an
/// inverse-frequency table and its bytes are copied in), so 100 MB takes about
/// half a second in a release build.
///
/// ```swift
/// let path = try EnglishLikeText.file(byteCount: 100_000_000).path
/// ```
enum EnglishLikeText {
    /// How many distinct words the vocabulary holds.
    static let vocabularySize = 30_000

    /// The seed of every generated text: the same bytes on every run and machine.
    static let seed: UInt64 = 0x5EED_2024

    /// The words and their weights, built once per process.
    private static let vocabulary = Vocabulary(size: vocabularySize, seed: seed)

    /// The most frequent words, most frequent first; ranks after them are made up.
    static let commonWords: [String] = """
        the of and to a in is it you that he was for on are with as his they be at one have this from or had by
        not word but what some we can out other were all there when up use your how said an each she which do
        their time if will way about many then them write would like so these her long make thing see him two has
        look more day could go come did number sound no most people my over know water than call first who may
        down side been now find any new work part take get place made live where after back little only round man
        year came show every good me give our under name very through just form sentence great think say help low
        line differ turn cause much mean before move right boy old too same tell does set three want air well also
        play small end put home read hand port large spell add even land here must big high such follow act why ask
        men change went light kind off need house picture try us again animal point mother world near build self
        earth father head stand own page should country found answer school grow study still learn plant cover food
        sun four between state keep eye never last let thought city tree cross farm hard start might story saw far
        sea draw left late run while press close night real life few north
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    /// `byteCount` bytes of text, ending with a newline (when not empty). The
    /// last line is padded with spaces where the next word would not fit.
    ///
    /// - Complexity: O(byteCount), plus building the vocabulary (about 20 ms).
    static func generate(byteCount: Int) -> [UInt8] {
        guard byteCount > 0 else { return [] }
        var random = XorShift(seed: seed)
        var output = [UInt8](repeating: 0x20, count: byteCount)
        output.withUnsafeMutableBufferPointer { vocabulary.fill($0, random: &random) }
        return output
    }

    /// The generated text of `byteCount` bytes as a file in the temporary
    /// folder, written there if it is not already there with that size.
    ///
    /// - Returns: the file's path and whether it was reused.
    /// - Throws: what writing the file throws.
    static func file(byteCount: Int, folder: String = NSTemporaryDirectory()) throws -> (path: String, reused: Bool) {
        let url = URL(fileURLWithPath: folder).appendingPathComponent("atomic-english-like-\(byteCount).txt")
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attributes?[.size] as? NSNumber, size.intValue == byteCount {
            return (url.path, true)
        }
        // Written under another name and renamed when complete: an interrupted
        // run never leaves a file of the right size with the wrong content.
        let partial = url.path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try write(generate(byteCount: byteCount), to: partial)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(atPath: partial, toPath: url.path)
        return (url.path, false)
    }

    /// Writes `bytes` to a new file at `path`, 8 MiB at a time with no copy
    /// (`Data.write(to:options: .atomic)` took 15 times longer here).
    private static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = Swift.min(8 << 20, raw.count - offset)
                let chunk = UnsafeMutableRawPointer(mutating: raw.baseAddress! + offset)
                try handle.write(contentsOf: Data(bytesNoCopy: chunk, count: count, deallocator: .none))
                offset += count
            }
        }
    }
}

/// The words of ``EnglishLikeText`` in one byte arena, and the table that
/// turns random bits into a rank with Zipf-like odds.
private struct Vocabulary {
    /// The words' bytes, one after another.
    var bytes: [UInt8] = []
    /// Word r is `bytes[offsets[r]..<offsets[r + 1]]`.
    var offsets: [Int32] = [0]
    /// Entry i is the rank drawn when the top bits of a random number are i.
    var table: [UInt16] = []

    /// The table has 2^20 entries, indexed by the top 20 bits of a random number.
    static let tableShift: UInt64 = 64 - 20

    private static let onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
                                 "y", "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gr", "pl", "pr", "sh", "sl",
                                 "sp", "st", "th", "tr", "wh"]
    private static let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oo", "ou", "y"]
    private static let codas = ["", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "st", "rt", "ck", "sh"]

    /// Fills `out` with lines of words, spaces after the last word that fits,
    /// and a final newline.
    func fill(_ out: UnsafeMutableBufferPointer<UInt8>, random: inout XorShift) {
        bytes.withUnsafeBufferPointer { arena in
            offsets.withUnsafeBufferPointer { offsets in
                table.withUnsafeBufferPointer { table in
                    var position = 0
                    // The last byte is always the final newline.
                    let limit = out.count - 1
                    fill: while true {
                        let wordsInLine = 6 + random.next(below: 11)
                        for index in 0..<wordsInLine {
                            let rank = Int(table[Int(truncatingIfNeeded: random.next() >> Self.tableShift)])
                            let start = Int(offsets[rank]), length = Int(offsets[rank + 1]) - start
                            guard position + length + 1 <= limit else { break fill }
                            (out.baseAddress! + position).update(from: arena.baseAddress! + start, count: length)
                            position += length
                            out[position] = index == wordsInLine - 1 ? 0x0A : 0x20
                            position += 1
                        }
                    }
                    for padding in position..<limit { out[padding] = 0x20 }
                    out[limit] = 0x0A
                }
            }
        }
    }

    init(size: Int, seed: UInt64) {
        precondition(size <= Int(UInt16.max) + 1, "ranks are stored as UInt16")
        var seen = Set<String>()
        var words: [String] = []
        for word in EnglishLikeText.commonWords where words.count < size && seen.insert(word).inserted {
            words.append(word)
        }
        var random = XorShift(seed: seed ^ 0xC0FFEE)
        while words.count < size {
            var word = ""
            for _ in 0..<(1 + random.next(below: 3)) {
                word += Self.onsets[random.next(below: Self.onsets.count)]
                word += Self.vowels[random.next(below: Self.vowels.count)]
                word += Self.codas[random.next(below: Self.codas.count)]
            }
            if seen.insert(word).inserted { words.append(word) }
        }
        for word in words {
            bytes.append(contentsOf: word.utf8)
            offsets.append(Int32(bytes.count))
        }
        // Inverse of the cumulative Zipf distribution (weight 1/rank), sampled at
        // the middle of each table entry.
        var cumulative: [Double] = []
        cumulative.reserveCapacity(size)
        var total = 0.0
        for rank in 1...size {
            total += 1 / Double(rank)
            cumulative.append(total)
        }
        let entries = 1 << (64 - Int(Self.tableShift))
        table.reserveCapacity(entries)
        var rank = 0
        for entry in 0..<entries {
            let target = (Double(entry) + 0.5) / Double(entries) * total
            while rank < size - 1 && cumulative[rank] < target { rank += 1 }
            table.append(UInt16(rank))
        }
    }
}
