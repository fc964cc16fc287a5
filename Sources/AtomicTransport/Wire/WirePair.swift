/// A key-value pair that is ``WireCodable`` when both halves are: the wire form of
/// the records of pair RDDs, since Swift tuples cannot conform to protocols.
///
/// Encodes as the key followed by the value, exactly like
/// ``WireWriter/write(pair:)``, so a tuple written one way reads back the other.
public struct WirePair<Key: WireCodable, Value: WireCodable>: WireCodable {
    /// The first half.
    public var key: Key
    /// The second half.
    public var value: Value

    /// Wraps `key` and `value`.
    @inlinable public init(_ key: Key, _ value: Value) {
        self.key = key
        self.value = value
    }

    /// Wraps a tuple.
    @inlinable public init(_ tuple: (Key, Value)) {
        self.key = tuple.0
        self.value = tuple.1
    }

    /// The pair as a tuple.
    @inlinable public var tuple: (Key, Value) { (key, value) }

    /// At least both halves' minimum sizes.
    @inlinable public static var minimumWireSize: Int { Key.minimumWireSize + Value.minimumWireSize }

    /// Writes the key then the value.
    @inlinable public func encode(to writer: inout WireWriter) {
        key.encode(to: &writer)
        value.encode(to: &writer)
    }

    /// Reads the key then the value.
    @inlinable public init(from reader: inout WireReader) throws(WireError) {
        key = try Key(from: &reader)
        value = try Value(from: &reader)
    }
}

extension WirePair: Equatable where Key: Equatable, Value: Equatable {}
extension WirePair: Hashable where Key: Hashable, Value: Hashable {}
extension WirePair: Sendable where Key: Sendable, Value: Sendable {}
