#if !_endian(little)
#error("Atomic's wire format copies trivial arrays in bulk and assumes a little-endian host")
#endif

/// A type that encodes itself to, and decodes itself from, Atomic's binary wire format.
///
/// This is the serialization requirement of the whole engine: actor messages,
/// task descriptors, shuffle blocks and cached partitions are all `WireCodable`.
/// It is hand-written rather than `Codable` (measured 10-15x slower on this path).
///
/// ```swift
/// struct Point: WireCodable {
///     var x: Int64, y: Int64
///     func encode(to writer: inout WireWriter) { writer.write(x); writer.write(y) }
///     init(from reader: inout WireReader) throws(WireError) {
///         x = try reader.read(); y = try reader.read()
///     }
/// }
/// ```
public protocol WireCodable: SendableMetatype {
    /// Appends this value's wire form to `writer`.
    func encode(to writer: inout WireWriter)
    /// Decodes a value, throwing ``WireError`` on malformed input (never trapping).
    init(from reader: inout WireReader) throws(WireError)
    /// The fewest bytes any value of this type encodes to. Collections use it to
    /// refuse counts that cannot fit the remaining input before allocating. Types
    /// whose values may encode to zero bytes must return 0.
    static var minimumWireSize: Int { get }
    /// Encodes an array of values; trivial types override this with one bulk copy.
    static func encodeArray(_ array: [Self], to writer: inout WireWriter)
    /// Decodes `count` values already checked against the remaining input.
    static func decodeArray(count: Int, from reader: inout WireReader) throws(WireError) -> [Self]
}

/// The most elements a decoder reserves room for before it has read them: a
/// count from the wire is checked against the bytes left, but an element in
/// memory may be many times its smallest encoding (an empty `String` is one
/// byte on the wire and 16 in an array), so larger collections grow as their
/// elements arrive instead of taking memory on the sender's word.
public let wireReservationLimit = 1 << 16

extension WireCodable {
    /// One byte: most encodings are never empty.
    @inlinable public static var minimumWireSize: Int { 1 }

    /// Encodes each element in turn.
    @inlinable
    public static func encodeArray(_ array: [Self], to writer: inout WireWriter) {
        for element in array { element.encode(to: &writer) }
    }

    /// Decodes each element in turn, one nesting level deeper.
    @inlinable
    public static func decodeArray(count: Int, from reader: inout WireReader) throws(WireError) -> [Self] {
        try reader.nested { (r: inout WireReader) throws(WireError) -> [Self] in
            var result: [Self] = []
            result.reserveCapacity(Swift.min(count, wireReservationLimit))
            for _ in 0..<count { result.append(try Self(from: &r)) }
            return result
        }
    }

    /// Encodes this value alone into a new byte array.
    @inlinable
    public func wireBytes() -> [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.take()
    }

    /// Decodes a value that must fill `bytes` exactly.
    @inlinable
    public init(wireBytes bytes: [UInt8]) throws(WireError) {
        var reader = WireReader(bytes)
        self = try Self(from: &reader)
        try reader.finish()
    }
}

/// A fixed-size, bitwise-copyable value whose every bit pattern is valid, so arrays
/// of it travel as one `memcpy` (integers, `Float`, `Double`).
public protocol WireTrivial: WireCodable, BitwiseCopyable {}

extension WireTrivial {
    /// Exactly its size in memory.
    @inlinable public static var minimumWireSize: Int { MemoryLayout<Self>.size }

    /// Copies the whole array's storage in one go.
    @inlinable
    public static func encodeArray(_ array: [Self], to writer: inout WireWriter) {
        array.withUnsafeBytes { writer.writeRaw($0) }
    }

    /// Copies `count` values out of the input in one go.
    @inlinable
    public static func decodeArray(count: Int, from reader: inout WireReader) throws(WireError) -> [Self] {
        let size = count * MemoryLayout<Self>.stride
        let range = try reader.readRawRange(count: size)
        return [Self](unsafeUninitializedCapacity: count) { buffer, initialized in
            reader.bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[range]))
            }
            initialized = count
        }
    }
}
