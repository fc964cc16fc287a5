import AtomicTransport

/// A key that can cross a shuffle: hashable, wire-codable, and with a hash that
/// is the same in every process, so map tasks on different workers send a key
/// to the same reducer (Swift's `hashValue` is seeded per process).
///
/// The standard integer types, `String`, `Double`, `Bool` and ``Word`` conform.
/// A type of your own needs only `extension MyKey: ShuffleKey {}`: the default
/// ``stableHash`` hashes its wire form.
public protocol ShuffleKey: Hashable, WireCodable, Sendable {
    /// A hash of the value that does not change between processes or runs.
    var stableHash: UInt64 { get }
}

extension ShuffleKey {
    /// FNV-1a of the wire form; conforming types may give something faster.
    public var stableHash: UInt64 { StableHash.bytes(wireBytes()) }
}

/// The hash functions behind ``ShuffleKey/stableHash``.
public enum StableHash {
    /// Mixes 64 bits (the splitmix64 finalizer): every input bit moves every output bit.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Hashes bytes, eight at a time, finishing with ``mix(_:)``.
    @inlinable
    public static func bytes(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(buffer.count)
        let raw = UnsafeRawBufferPointer(buffer)
        var index = 0
        while index + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            hash = (hash ^ word) &* 0x100_0000_01B3
            hash ^= hash >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < raw.count {
            tail |= UInt64(raw[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0x100_0000_01B3
        return mix(hash)
    }

    /// Hashes a byte array.
    public static func bytes(_ array: [UInt8]) -> UInt64 {
        array.withUnsafeBufferPointer { bytes($0) }
    }
}

extension Int: ShuffleKey { /// Mixed bits of the value.
    @inlinable public var stableHash: UInt64 { StableHash.mix(UInt64(bitPattern: Int64(self))) } }
extension Int64: ShuffleKey { /// Mixed bits of the value.
    @inlinable public var stableHash: UInt64 { StableHash.mix(UInt64(bitPattern: self)) } }
extension Int32: ShuffleKey { /// Mixed bits of the value.
    @inlinable public var stableHash: UInt64 { StableHash.mix(UInt64(bitPattern: Int64(self))) } }
extension UInt64: ShuffleKey { /// Mixed bits of the value.
    @inlinable public var stableHash: UInt64 { StableHash.mix(self) } }
extension UInt32: ShuffleKey { /// Mixed bits of the value.
    @inlinable public var stableHash: UInt64 { StableHash.mix(UInt64(self)) } }
extension UInt8: ShuffleKey { /// Mixed bits of the value.
    @inlinable public var stableHash: UInt64 { StableHash.mix(UInt64(self)) } }
extension Bool: ShuffleKey { /// 0 or 1, mixed.
    @inlinable public var stableHash: UInt64 { StableHash.mix(self ? 1 : 0) } }
extension Double: ShuffleKey {
    /// Mixed bits of the value; 0.0 and -0.0 hash alike, as they compare equal.
    @inlinable public var stableHash: UInt64 { StableHash.mix(self == 0 ? 0 : bitPattern) }
}
extension String: ShuffleKey {
    /// A hash of the UTF-8 bytes.
    @inlinable public var stableHash: UInt64 {
        var copy = self
        return copy.withUTF8 { StableHash.bytes($0) }
    }
}
