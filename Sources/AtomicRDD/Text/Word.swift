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
    // their bytes in `tail` and a hash inline. 24 bytes in all, so a
    // `(Word, Int)` pair is 32: half a cache line in a combine table.
    // Visible to inlined code (the hash below), so that modules that specialize
    // the engine for `Word` hash it in place instead of calling across modules.
    @usableFromInline let low: UInt64
    @usableFromInline let high: UInt64
    @usableFromInline let tail: Tail

    @usableFromInline enum Tail: Sendable {
        /// A word of at most 16 bytes, all of them in `low` and `high`.
        case inline(length: UInt8)
        /// A longer word's bytes.
        case spilled([UInt8])
    }

    /// The number of UTF-8 bytes.
    public var byteCount: Int {
        switch tail {
        case .inline(let length): Int(length)
        case .spilled(let bytes): bytes.count
        }
    }

    /// The word made of these bytes.
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else {
            (low, high, tail) = (0, 0, .inline(length: 0))
            return
        }
        guard count <= 16 else {
            let hash = StableHash.bytes(bytes)
            (low, high, tail) = (hash, hash >> 32, .spilled(Array(bytes)))
            return
        }
        let raw = UnsafeRawPointer(base)
        // Overlapping loads that stay inside the buffer: the bytes two loads
        // share are equal, so or-ing them in place is exact.
        if count >= 8 {
            low = raw.loadUnaligned(as: UInt64.self)
            high = count == 8 ? 0 : raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> UInt64((16 - count) * 8)
        } else if count >= 4 {
            let first = UInt64(raw.loadUnaligned(as: UInt32.self))
            let last = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            low = first | last << UInt64((count - 4) * 8)
            high = 0
        } else {
            low = UInt64(base[0]) | UInt64(base[count >> 1]) << UInt64((count >> 1) * 8) | UInt64(base[count - 1]) << UInt64((count - 1) * 8)
            high = 0
        }
        tail = .inline(length: UInt8(count))
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
        switch tail {
        case .spilled(let bytes):
            return try bytes.withUnsafeBufferPointer(body)
        case .inline(let length):
            return try withUnsafeBytes(of: (low, high)) { raw in
                try body(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: Int(length)))
            }
        }
    }

    /// The word as a String (invalid UTF-8 is repaired).
    public var description: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// A hash equal in every process: what picks the word's reducer.
    @inlinable public var stableHash: UInt64 {
        @inline(__always) get { stableHashValue }
    }

    @inlinable var stableHashValue: UInt64 {
        @inline(__always) get {
            guard case .inline(let length) = tail else { return low }
            // One finalizer: `high` and the length folded in by a multiplication
            // beside it, off the chain of the finalizer's own multiplications.
            return StableHash.mix(low ^ ((high ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15))
        }
    }

    /// Feeds the stable hash to the hasher: one word, whatever the length.
    public func hash(into hasher: inout Hasher) { hasher.combine(stableHashValue) }

    /// Equal bytes.
    public static func == (a: Word, b: Word) -> Bool {
        guard a.low == b.low, a.high == b.high else { return false }
        // Inline words first, without touching a spilled word's array.
        switch (a.tail, b.tail) {
        case (.inline(let x), .inline(let y)): return x == y
        case (.spilled(let x), .spilled(let y)): return x == y
        default: return false
        }
    }

    /// Byte-wise (UTF-8) order, shorter first on a common prefix.
    public static func < (a: Word, b: Word) -> Bool {
        if case .inline(let x) = a.tail, case .inline(let y) = b.tail {
            if a.low != b.low { return a.low.byteSwapped < b.low.byteSwapped }
            if a.high != b.high { return a.high.byteSwapped < b.high.byteSwapped }
            return x < y
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
        var index = 0
        while let word = next(in: bytes, from: &index) { result.append(word) }
        return result
    }

    /// The first word of `bytes` at or after `index`, moving `index` past it;
    /// nil when only whitespace is left.
    @inline(__always)
    static func next(in bytes: UnsafeBufferPointer<UInt8>, from index: inout Int) -> Word? {
        let count = bytes.count
        var i = index
        while i < count && WordCounts.isSpace(bytes[i]) { i += 1 }
        guard i < count else {
            index = i
            return nil
        }
        let start = i
        i = wordEnd(in: bytes, after: start)
        index = i
        return Word(bytes: UnsafeBufferPointer(rebasing: bytes[start..<i]))
    }

    /// The index of the first whitespace byte of `bytes` after `start`, or
    /// `bytes.count`: where the word beginning at `start` ends.
    ///
    /// Eight bytes at a time: a word of the usual length ends within the first
    /// load. A load marks its bytes below 0x21 (whitespace and the other
    /// control bytes; UTF-8's bytes of 0x80 and up are never marked), and the
    /// lowest mark is exact, as a borrow moves only toward higher bytes, past
    /// a byte that is already marked. A marked byte that is not whitespace
    /// (a control byte) belongs to the word, and the scan goes on after it.
    @inline(__always)
    static func wordEnd(in bytes: UnsafeBufferPointer<UInt8>, after start: Int) -> Int {
        let count = bytes.count
        var i = start &+ 1
        guard let base = bytes.baseAddress else { return i }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        while i &+ 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            var marks = (word &- ones &* 0x21) & ~word & (ones &* 0x80)
            while marks != 0 {
                let at = i &+ marks.trailingZeroBitCount &>> 3
                if WordCounts.isSpace(base[at]) { return at }
                marks &= marks &- 1
                // Bytes above a control byte may be marked by its borrow: look again past it.
                if marks != 0 {
                    let rest = word &>> UInt64((at &- i &+ 1) &<< 3)
                    marks = ((rest &- ones &* 0x21) & ~rest & (ones &* 0x80)) &<< UInt64((at &- i &+ 1) &<< 3)
                }
            }
            i &+= 8
        }
        while i < count && !WordCounts.isSpace(base[i]) { i &+= 1 }
        return i
    }
}
