// Strings, optionals and collections. Every count is checked against the bytes
// that remain (scaled by the element's minimum size) before anything is allocated.

extension String: WireCodable {
    /// Writes a varint byte count and the UTF-8 bytes.
    @inlinable public func encode(to writer: inout WireWriter) {
        var copy = self
        copy.withUTF8 { writer.writeLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }
    /// Reads a varint byte count and validates the UTF-8 bytes.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        let range = try reader.readLengthPrefixedRange()
        let decoded = reader.bytes.withUnsafeBufferPointer { all in
            String(validating: UnsafeBufferPointer(rebasing: all[range]), as: UTF8.self)
        }
        guard let decoded else { throw .invalidUTF8(offset: range.lowerBound) }
        self = decoded
    }
}

extension Array: WireCodable where Element: WireCodable {
    /// Writes a varint count and the elements (one bulk copy for trivial elements).
    @inlinable public func encode(to writer: inout WireWriter) {
        writer.writeVarint(UInt64(count))
        Element.encodeArray(self, to: &writer)
    }
    /// Reads a varint count, checks it against the remaining bytes, then the elements.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        let count = try reader.readCount(minimumItemSize: Element.minimumWireSize)
        self = try Element.decodeArray(count: count, from: &reader)
    }
}

extension Optional: WireCodable where Wrapped: WireCodable {
    /// Writes a tag byte (0 for nil, 1 for a value) and the value.
    @inlinable public func encode(to writer: inout WireWriter) {
        switch self {
        case .none: writer.writeFixed(UInt8(0))
        case .some(let value):
            writer.writeFixed(UInt8(1))
            value.encode(to: &writer)
        }
    }
    /// Reads the tag byte and, for 1, the value; other tags are unknown.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        let at = reader.offset
        switch try reader.readByte() {
        case 0: self = .none
        case 1: self = .some(try reader.nested { (r: inout WireReader) throws(WireError) in try Wrapped(from: &r) })
        case let tag: throw .unknownTag(offset: at, tag: UInt64(tag), type: "Optional")
        }
    }
}

extension Dictionary: WireCodable where Key: WireCodable, Value: WireCodable {
    /// Writes a varint count and each key followed by its value.
    @inlinable public func encode(to writer: inout WireWriter) {
        writer.writeVarint(UInt64(count))
        for (key, value) in self {
            key.encode(to: &writer)
            value.encode(to: &writer)
        }
    }
    /// Reads the entries; a repeated key is ``WireError/duplicateKey(offset:)``.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        let count = try reader.readCount(minimumItemSize: Swift.max(1, Key.minimumWireSize + Value.minimumWireSize))
        self = try reader.nested { (r: inout WireReader) throws(WireError) -> [Key: Value] in
            var result: [Key: Value] = [:]
            result.reserveCapacity(Swift.min(count, wireReservationLimit))
            for _ in 0..<count {
                let at = r.offset
                let key = try Key(from: &r)
                let value = try Value(from: &r)
                guard result.updateValue(value, forKey: key) == nil else { throw .duplicateKey(offset: at) }
            }
            return result
        }
    }
}

extension Set: WireCodable where Element: WireCodable {
    /// Writes a varint count and the elements.
    @inlinable public func encode(to writer: inout WireWriter) {
        writer.writeVarint(UInt64(count))
        for element in self { element.encode(to: &writer) }
    }
    /// Reads the elements; a repeated one is ``WireError/duplicateKey(offset:)``.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        let count = try reader.readCount(minimumItemSize: Element.minimumWireSize)
        self = try reader.nested { (r: inout WireReader) throws(WireError) -> Set<Element> in
            var result = Set<Element>(minimumCapacity: Swift.min(count, wireReservationLimit))
            for _ in 0..<count {
                let at = r.offset
                guard result.insert(try Element(from: &r)).inserted else { throw .duplicateKey(offset: at) }
            }
            return result
        }
    }
}
