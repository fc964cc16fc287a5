// Integers and floats: fixed-width little-endian, so arrays of them copy in bulk.

extension FixedWidthInteger where Self: WireTrivial {
    /// Writes the value as `MemoryLayout<Self>.size` little-endian bytes.
    @inlinable public func encode(to writer: inout WireWriter) { writer.writeFixed(self) }
    /// Reads `MemoryLayout<Self>.size` little-endian bytes.
    @inlinable public init(from reader: inout WireReader) throws(WireError) { self = try reader.readFixed(Self.self) }
}

extension Int8: WireTrivial {}
extension Int16: WireTrivial {}
extension Int32: WireTrivial {}
extension Int64: WireTrivial {}
extension Int: WireTrivial {}
extension UInt8: WireTrivial {}
extension UInt16: WireTrivial {}
extension UInt32: WireTrivial {}
extension UInt64: WireTrivial {}
extension UInt: WireTrivial {}

extension Float: WireTrivial {
    /// Writes the IEEE 754 bit pattern, little-endian.
    @inlinable public func encode(to writer: inout WireWriter) { writer.writeFixed(bitPattern) }
    /// Reads an IEEE 754 bit pattern, little-endian.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        self.init(bitPattern: try reader.readFixed(UInt32.self))
    }
}

extension Double: WireTrivial {
    /// Writes the IEEE 754 bit pattern, little-endian.
    @inlinable public func encode(to writer: inout WireWriter) { writer.writeFixed(bitPattern) }
    /// Reads an IEEE 754 bit pattern, little-endian.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        self.init(bitPattern: try reader.readFixed(UInt64.self))
    }
}

extension Bool: WireCodable {
    /// Writes one byte, 0 or 1.
    @inlinable public func encode(to writer: inout WireWriter) { writer.writeFixed(UInt8(self ? 1 : 0)) }
    /// Reads one byte; anything but 0 or 1 is an unknown tag.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        let at = reader.offset
        switch try reader.readByte() {
        case 0: self = false
        case 1: self = true
        case let other: throw .unknownTag(offset: at, tag: UInt64(other), type: "Bool")
        }
    }
}
