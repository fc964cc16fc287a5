/// Appends values to a growable byte buffer in Atomic's wire format.
///
/// Fixed-width integers and floats are little-endian; lengths and counts are
/// LEB128 varints. Arrays of trivial types (see ``WireTrivial``) are written with
/// one bulk copy.
///
/// ```swift
/// var writer = WireWriter()
/// writer.write(UInt32(7))
/// writer.write("hello")
/// let bytes = writer.bytes
/// ```
public struct WireWriter: Sendable {
    /// The bytes written so far.
    @inlinable public var bytes: [UInt8] { storage }
    @usableFromInline var storage: [UInt8]

    /// Creates an empty writer that reserves `capacity` bytes up front.
    public init(capacity: Int = 64) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// The number of bytes written so far.
    @inlinable public var count: Int { storage.count }

    /// Reserves room for at least `additional` more bytes.
    public mutating func reserve(_ additional: Int) {
        let needed = storage.count + additional
        // reserveCapacity grows to exactly what is asked: double instead, so a
        // writer reserving piece by piece stays linear.
        if storage.capacity < needed { storage.reserveCapacity(Swift.max(needed, storage.capacity * 2)) }
    }

    /// Writes a fixed-width integer, little-endian.
    @inlinable
    public mutating func writeFixed<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    /// Writes an unsigned LEB128 varint (1 to 10 bytes).
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            storage.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        storage.append(UInt8(v))
    }

    /// Writes a signed integer as a zig-zag varint, so small magnitudes stay short.
    @inlinable
    public mutating func writeSignedVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes raw bytes with no length prefix.
    @inlinable
    public mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        storage.append(contentsOf: raw)
    }

    /// Writes raw bytes with no length prefix.
    @inlinable
    public mutating func writeRaw(_ raw: [UInt8]) {
        storage.append(contentsOf: raw)
    }

    /// Overwrites the four bytes at `offset` (already written) with `value`,
    /// little-endian: fills in a length written before what it measures, so a
    /// value can be encoded in place instead of into a buffer of its own.
    ///
    /// ```swift
    /// let at = writer.count
    /// writer.writeFixed(UInt32(0))
    /// value.encode(to: &writer)
    /// writer.overwriteFixed(UInt32(writer.count - at - 4), at: at)
    /// ```
    public mutating func overwriteFixed(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= storage.count, "Internal inconsistency: overwrite past the written bytes")
        storage.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self) }
    }

    /// Writes a varint length followed by the bytes.
    @inlinable
    public mutating func writeLengthPrefixed(_ raw: UnsafeRawBufferPointer) {
        writeVarint(UInt64(raw.count))
        storage.append(contentsOf: raw)
    }

    /// Writes any ``WireCodable`` value.
    @inlinable
    public mutating func write<T: WireCodable>(_ value: T) {
        value.encode(to: &self)
    }

    /// Writes a pair as its two halves, in order; the wire form of pair-RDD records.
    @inlinable
    public mutating func write<K: WireCodable, V: WireCodable>(pair: (K, V)) {
        pair.0.encode(to: &self)
        pair.1.encode(to: &self)
    }

    /// Takes the written bytes, leaving the writer empty.
    public mutating func take() -> [UInt8] {
        defer { storage = [] }
        return storage
    }
}
