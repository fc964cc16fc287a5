import AtomicTransport

/// A word as bytes: the fast key for text jobs.
///
/// Words of up to 16 bytes (nearly all of them) live inline with no heap
/// allocation; hashing is one multiply-mix of two machine words, equality two
/// compares, and the hash is stable across processes, so `Word` crosses a
/// shuffle cheaply. `String.words` splits a line into words.
///
/// ```swift
/// let counts = try sc.textFile("corpus.txt")
///     .flatMap(\.words)          // [Word], split on ASCII whitespace
///     .map { ($0, 1) }
///     .reduceByKey(+)
/// ```
public struct Word: ShuffleKey, Comparable, CustomStringConvertible, ExpressibleByStringLiteral, Sendable {
    // Bytes 0..<8 and 8..<16, little-endian, zero-padded; longer words keep
    // their bytes in `spill` and a hash prefix inline.
    private let low: UInt64
    private let high: UInt64
    /// The number of UTF-8 bytes.
    public let byteCount: Int
    private let spill: [UInt8]?

    /// The word made of these bytes.
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        byteCount = bytes.count
        if bytes.count <= 16 {
            var low: UInt64 = 0, high: UInt64 = 0
            let raw = UnsafeRawBufferPointer(bytes)
            if bytes.count >= 8 {
                low = raw.loadUnaligned(as: UInt64.self)
                if bytes.count == 16 {
                    high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                } else {
                    for i in 8..<bytes.count { high |= UInt64(bytes[i]) << UInt64((i - 8) * 8) }
                }
            } else {
                for i in 0..<bytes.count { low |= UInt64(bytes[i]) << UInt64(i * 8) }
            }
            self.low = low
            self.high = high
            spill = nil
        } else {
            let hash = StableHash.bytes(bytes)
            low = hash
            high = hash >> 32
            spill = Array(bytes)
        }
    }

    /// The word spelled by `string`'s UTF-8 bytes.
    public init(_ string: String) {
        var copy = string
        self = copy.withUTF8 { Word(bytes: $0) }
    }

    /// The word spelled by a literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// Calls `body` with the word's bytes.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let spill { return try spill.withUnsafeBufferPointer(body) }
        return try withUnsafeBytes(of: (low, high)) { raw in
            try body(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: byteCount))
        }
    }

    /// The word as a String (invalid UTF-8 is repaired).
    public var description: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// A hash equal in every process: what picks the word's reducer.
    @inlinable public var stableHash: UInt64 { stableHashValue }

    @usableFromInline var stableHashValue: UInt64 {
        spill != nil ? low : StableHash.mix(low ^ StableHash.mix(high ^ UInt64(byteCount)))
    }

    /// Feeds the stable hash to the hasher: one word, whatever the length.
    public func hash(into hasher: inout Hasher) { hasher.combine(stableHashValue) }

    /// Equal bytes.
    public static func == (a: Word, b: Word) -> Bool {
        guard a.byteCount == b.byteCount, a.low == b.low, a.high == b.high else { return false }
        return a.spill == b.spill
    }

    /// Byte-wise (UTF-8) order, shorter first on a common prefix.
    public static func < (a: Word, b: Word) -> Bool {
        if a.spill == nil && b.spill == nil {
            if a.low != b.low { return a.low.byteSwapped < b.low.byteSwapped }
            if a.high != b.high { return a.high.byteSwapped < b.high.byteSwapped }
            return a.byteCount < b.byteCount
        }
        return a.withBytes { x in b.withBytes { y in x.lexicographicallyPrecedes(y) } }
    }

    /// Length-prefixed bytes.
    public func encode(to writer: inout WireWriter) {
        withBytes { writer.writeLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }

    /// Decodes what `encode` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        let range = try reader.readLengthPrefixedRange()
        self = reader.bytes.withUnsafeBufferPointer { Word(bytes: UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

extension String {
    /// The words of the string: runs of bytes between ASCII whitespace (space,
    /// tab, newline, carriage return, form feed, vertical tab), as ``Word``s.
    ///
    /// - Complexity: O(n) in the UTF-8 length; one array allocation, and one per
    ///   word longer than 16 bytes.
    public var words: [Word] {
        var copy = self
        return copy.withUTF8 { Word.split($0) }
    }
}

extension Word {
    /// The words of a byte buffer, split on ASCII whitespace.
    public static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [Word] {
        var result: [Word] = []
        result.reserveCapacity(bytes.count / 6 + 1)
        var start = -1
        for i in 0..<bytes.count {
            let byte = bytes[i]
            let isSpace = WordCounts.isSpace(byte)
            if isSpace {
                if start >= 0 {
                    result.append(Word(bytes: UnsafeBufferPointer(rebasing: bytes[start..<i])))
                    start = -1
                }
            } else if start < 0 {
                start = i
            }
        }
        if start >= 0 { result.append(Word(bytes: UnsafeBufferPointer(rebasing: bytes[start...]))) }
        return result
    }
}
