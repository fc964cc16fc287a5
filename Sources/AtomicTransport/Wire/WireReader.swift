/// Reads values in Atomic's wire format from a byte array, checking every length
/// against the bytes that remain before allocating anything.
///
/// A reader never traps on hostile input: truncation, lengths past the end,
/// invalid UTF-8, unknown tags and nesting past ``maxDepth`` all throw a
/// ``WireError`` that names the offset.
///
/// ```swift
/// var reader = WireReader(bytes)
/// let n = try reader.read(UInt32.self)
/// let s = try reader.read(String.self)
/// try reader.finish()
/// ```
public struct WireReader: Sendable {
    /// The default limit on nested containers (arrays of arrays, optionals of dictionaries...).
    public static let defaultMaxDepth = 64

    /// The bytes being read.
    public let bytes: [UInt8]
    /// The offset of the next byte to read.
    @inlinable public var offset: Int { _offset }
    @usableFromInline var _offset: Int
    /// The end of the readable range (exclusive).
    public let end: Int
    /// How many containers may be nested before decoding fails.
    public let maxDepth: Int
    @usableFromInline var depth = 0

    /// Creates a reader over `bytes[range]` (all of `bytes` by default).
    public init(_ bytes: [UInt8], range: Range<Int>? = nil, maxDepth: Int = WireReader.defaultMaxDepth) {
        let r = range ?? 0..<bytes.count
        precondition(r.lowerBound >= 0 && r.upperBound <= bytes.count, "reader range outside the bytes")
        self.bytes = bytes
        self._offset = r.lowerBound
        self.end = r.upperBound
        self.maxDepth = maxDepth
    }

    /// The number of bytes not yet read.
    @inlinable public var remaining: Int { end - offset }

    /// Whether every byte has been read.
    @inlinable public var isAtEnd: Bool { offset >= end }

    /// Throws ``WireError/trailingBytes(offset:count:)`` unless every byte was read.
    public func finish() throws(WireError) {
        if offset != end { throw .trailingBytes(offset: offset, count: end - offset) }
    }

    /// Reads a fixed-width little-endian integer.
    @inlinable
    public mutating func readFixed<T: FixedWidthInteger>(_: T.Type = T.self) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        guard end - offset >= size else { throw .truncated(offset: offset, needed: size - (end - offset)) }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        _offset += size
        return T(littleEndian: value)
    }

    /// Reads one byte.
    @inlinable
    public mutating func readByte() throws(WireError) -> UInt8 {
        guard offset < end else { throw .truncated(offset: offset, needed: 1) }
        defer { _offset += 1 }
        return bytes[offset]
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    @inlinable
    public mutating func readVarint() throws(WireError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated(offset: offset, needed: 1) }
            let byte = bytes[offset]
            _offset += 1
            if shift == 63 && byte > 1 { throw .malformedVarint(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformedVarint(offset: start) }
        }
    }

    /// Reads a zig-zag varint written by ``WireWriter/writeSignedVarint(_:)``.
    @inlinable
    public mutating func readSignedVarint() throws(WireError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a varint count of items, each at least `minimumItemSize` bytes, and
    /// checks that they can fit in the remaining bytes before anything is allocated.
    @inlinable
    public mutating func readCount(minimumItemSize: Int) throws(WireError) -> Int {
        let at = offset
        let raw = try readVarint()
        let fit = minimumItemSize > 0 ? remaining / minimumItemSize : remaining
        guard raw <= UInt64(fit) else {
            throw .lengthPastEnd(offset: at, length: raw, remaining: remaining)
        }
        return Int(raw)
    }

    /// Reads `count` raw bytes and returns their range in ``bytes``, without copying.
    @inlinable
    public mutating func readRawRange(count: Int) throws(WireError) -> Range<Int> {
        guard count >= 0, count <= end - offset else {
            throw .lengthPastEnd(offset: offset, length: UInt64(max(count, 0)), remaining: end - offset)
        }
        defer { _offset += count }
        return offset..<(offset + count)
    }

    /// Reads a varint length and then that many raw bytes, returning their range.
    @inlinable
    public mutating func readLengthPrefixedRange() throws(WireError) -> Range<Int> {
        let count = try readCount(minimumItemSize: 1)
        return try readRawRange(count: count)
    }

    /// Reads any ``WireCodable`` value.
    @inlinable
    public mutating func read<T: WireCodable>(_: T.Type = T.self) throws(WireError) -> T {
        try T(from: &self)
    }

    /// Reads a pair written by ``WireWriter/write(pair:)``.
    @inlinable
    public mutating func readPair<K: WireCodable, V: WireCodable>(_: K.Type = K.self, _: V.Type = V.self) throws(WireError) -> (K, V) {
        let k = try K(from: &self)
        let v = try V(from: &self)
        return (k, v)
    }

    /// Runs `body` one nesting level deeper, failing past ``maxDepth``.
    ///
    /// Container conformances (arrays, optionals, dictionaries) wrap the decoding
    /// of their elements in this, so a hostile input of deeply nested containers
    /// is refused instead of exhausting the stack.
    @inlinable
    public mutating func nested<R>(_ body: (inout WireReader) throws(WireError) -> R) throws(WireError) -> R {
        guard depth < maxDepth else { throw .nestingTooDeep(offset: offset, limit: maxDepth) }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// Marks `count` bytes as read after they were consumed through ``bytes`` directly.
    @usableFromInline
    mutating func advance(by count: Int) {
        _offset += count
    }
}
