/// Counts words by their bytes, with no `String` per word: an open-addressing
/// hash table whose keys live in one byte arena. This is what makes word count
/// run at byte-scanning speed (a `[String: Int]` fed by `String.split` measured
/// about 16 MB/s per core here).
///
/// ```swift
/// var counts = WordCounts()
/// try LineReader.forEachLine(in: split) { counts.addWords(in: $0) }
/// let top = counts.top(5)           // [(word, count)], most frequent first
/// ```
///
/// Words are maximal runs of bytes that are not ASCII whitespace (space, tab,
/// newline, carriage return, vertical tab, form feed); other bytes, UTF-8
/// included, are part of words.
public struct WordCounts: Sendable {
    private struct Slot {
        var hash: UInt64 = 0
        var offset: Int32 = -1      // in `arena`; -1 marks an empty slot
        var length: Int32 = 0
        var count: Int = 0
    }

    private var slots: [Slot]
    private var arena: [UInt8] = []
    /// Distinct words.
    public private(set) var distinctCount = 0
    /// Words counted, with repetitions.
    public private(set) var totalCount = 0

    /// An empty table.
    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
    }

    /// Adds `count` occurrences of `word`.
    ///
    /// - Complexity: O(word length) expected.
    public mutating func add(_ word: UnsafeBufferPointer<UInt8>, count: Int = 1) {
        reserveForWords(1)
        let hash = StableHash.bytes(word)
        let inserted = slots.withUnsafeMutableBufferPointer { table in
            WordCounts.insert(word, hash: hash, count: count, into: table, arena: &arena)
        }
        totalCount += count
        if inserted { distinctCount += 1 }
    }

    /// Adds every word of `text` (a line, or a block of many lines).
    ///
    /// - Complexity: O(text length) expected; one pass over the bytes, no allocation
    ///   except for words seen for the first time.
    public mutating func addWords(in text: UnsafeBufferPointer<UInt8>) {
        let n = text.count
        var index = 0
        while index < n {
            // Room for the words of the next stretch first, so the table is not
            // reallocated while its storage is borrowed below.
            let stretchEnd = min(n, index + WordCounts.stretch)
            reserveForWords((stretchEnd - index) / 2 + 1)
            var added = 0, words = 0
            var arena = self.arena
            self.arena = []
            slots.withUnsafeMutableBufferPointer { table in
                while index < n {
                    while index < n && WordCounts.isSpace(text[index]) { index += 1 }
                    guard index < n else { break }
                    let start = index
                    index = Word.wordEnd(in: text, after: start)
                    let word = UnsafeBufferPointer(rebasing: text[start..<index])
                    words += 1
                    if WordCounts.insert(word, hash: StableHash.bytes(word), count: 1, into: table, arena: &arena) { added += 1 }
                    // A word may run past the stretch; the reserve covered it (2 bytes per word).
                    if index >= stretchEnd { break }
                }
            }
            self.arena = arena
            totalCount += words
            distinctCount += added
        }
    }

    /// Bytes handled per borrow of the table in ``addWords(in:)``.
    private static let stretch = 16 << 10

    /// Finds `word` in `table` and adds `count`, or inserts it; true when inserted.
    @inline(__always)
    private static func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, count: Int,
                               into table: UnsafeMutableBufferPointer<Slot>, arena: inout [UInt8]) -> Bool {
        let mask = table.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = table[index]
            if slot.offset < 0 { break }
            if slot.hash == hash && Int(slot.length) == word.count && equal(slot, word, arena) {
                table[index].count += count
                return false
            }
            index = (index + 1) & mask
        }
        precondition(arena.count + word.count < Int(Int32.max), "word arena over 2 GiB")
        table[index] = Slot(hash: hash, offset: Int32(arena.count), length: Int32(word.count), count: count)
        arena.append(contentsOf: word)
        return true
    }

    /// Grows the table so that `words` more distinct words keep it at most half full.
    private mutating func reserveForWords(_ words: Int) {
        while (distinctCount + words) * 2 > slots.count { grow() }
    }

    /// Adds `text`'s words (for tests and small inputs).
    public mutating func addWords(in text: String) {
        var copy = text
        copy.withUTF8 { addWords(in: $0) }
    }

    /// Adds every count of `other` to this table.
    public mutating func merge(_ other: WordCounts) {
        other.forEach { word, count in add(word, count: count) }
    }

    /// Calls `body` with each distinct word and its count, in no particular order.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) rethrows {
        try arena.withUnsafeBufferPointer { bytes in
            for slot in slots where slot.offset >= 0 {
                try body(UnsafeBufferPointer(rebasing: bytes[Int(slot.offset)..<Int(slot.offset + slot.length)]), slot.count)
            }
        }
    }

    /// The count of `word` (0 if absent).
    ///
    /// - Complexity: O(word length) expected.
    public func count(of word: String) -> Int {
        var copy = word
        return copy.withUTF8 { target in
            let hash = StableHash.bytes(target)
            let mask = slots.count - 1
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index].offset >= 0 {
                let slot = slots[index]
                if slot.hash == hash && Int(slot.length) == target.count && WordCounts.equal(slot, target, arena) {
                    return slot.count
                }
                index = (index + 1) & mask
            }
            return 0
        }
    }

    /// The `k` most frequent words, ties broken by the words' bytes.
    public func top(_ k: Int) -> [(word: String, count: Int)] {
        guard k > 0 else { return [] }
        func before(_ a: (word: [UInt8], count: Int), _ b: (word: [UInt8], count: Int)) -> Bool {
            a.count != b.count ? a.count > b.count : a.word.lexicographicallyPrecedes(b.word)
        }
        var best: [(word: [UInt8], count: Int)] = []
        // The k-th best count seen at the last trim: nothing below it can make the top k.
        var floor = Int.min
        forEach { word, count in
            guard count >= floor else { return }
            best.append((Array(word), count))
            if best.count >= k * 4 + 16 {
                best.sort(by: before)
                best.removeLast(best.count - k)
                floor = best[k - 1].count
            }
        }
        best.sort(by: before)
        return best.prefix(k).map { (String(decoding: $0.word, as: UTF8.self), $0.count) }
    }

    /// Every word and count as a dictionary (allocates a `String` per word).
    public func dictionary() -> [String: Int] {
        var result: [String: Int] = [:]
        result.reserveCapacity(distinctCount)
        forEach { word, count in result[String(decoding: word, as: UTF8.self)] = count }
        return result
    }

    @inline(__always)
    private static func equal(_ slot: Slot, _ word: UnsafeBufferPointer<UInt8>, _ arena: [UInt8]) -> Bool {
        arena.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, let other = word.baseAddress else { return word.isEmpty }
            return memcmpBytes(base + Int(slot.offset), other, word.count)
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.offset >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].offset >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
