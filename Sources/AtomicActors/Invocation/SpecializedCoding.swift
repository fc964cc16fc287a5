/// Encoding and decoding of call arguments and results, with byte arrays
/// (`[UInt8]`, what most of the engine's calls take and return) handled by
/// code specialized for them.
///
/// Arguments and results are coded in generic contexts the runtime calls with
/// bare type metadata: there, making an array of a generic element looks up the
/// array's storage metadata in the runtime's tables on every call. A type check
/// against `[UInt8]` (a cached metadata load) sends byte arrays to code that
/// knows its types.
enum SpecializedCoding {
    /// Decodes a `Value` from `reader`.
    @inline(__always)
    static func decode<Value: WireCodable>(_ type: Value.Type, from reader: inout WireReader) throws(WireError) -> Value {
        if Value.self == [UInt8].self {
            // Safety: Value is [UInt8], checked above.
            return unsafeBitCast(try [UInt8](from: &reader), to: Value.self)
        }
        return try Value(from: &reader)
    }

    /// Encodes `value` to `writer`.
    @inline(__always)
    static func encode<Value: WireCodable>(_ value: Value, to writer: inout WireWriter) {
        if Value.self == [UInt8].self {
            // Safety: Value is [UInt8], checked above.
            unsafeBitCast(value, to: [UInt8].self).encode(to: &writer)
            return
        }
        value.encode(to: &writer)
    }
}
