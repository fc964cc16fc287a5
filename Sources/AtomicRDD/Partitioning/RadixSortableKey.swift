/// A key with an order-preserving 64-bit image, which lets `sortByKey` and
/// `repartitionAndSortWithinPartitions` sort it by radix (a few linear passes)
/// instead of by comparisons.
///
/// The image must refine the key's order: `a < b` implies
/// `a.radixImage < b.radixImage`. Keys that compare equal may have different
/// images (`-0.0` and `0.0`); their order in the result is unspecified anyway.
///
/// ```swift
/// struct Timestamp: ShuffleKey, RadixSortableKey {
///     var nanoseconds: UInt64
///     static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }
///     var radixImage: UInt64 { nanoseconds }
/// }
/// ```
///
/// The fixed-width integer types and `Double` conform.
public protocol RadixSortableKey: Comparable {
    /// The key as an unsigned integer in the same order.
    var radixImage: UInt64 { get }
}

extension Int: RadixSortableKey {
    /// The bits with the sign bit flipped, so negative values come first.
    @inlinable public var radixImage: UInt64 { UInt64(bitPattern: Int64(self)) ^ (1 << 63) }
}

extension Int64: RadixSortableKey {
    /// The bits with the sign bit flipped, so negative values come first.
    @inlinable public var radixImage: UInt64 { UInt64(bitPattern: self) ^ (1 << 63) }
}

extension Int32: RadixSortableKey {
    /// The bits with the sign bit flipped, so negative values come first.
    @inlinable public var radixImage: UInt64 { UInt64(bitPattern: Int64(self)) ^ (1 << 63) }
}

extension UInt64: RadixSortableKey {
    /// The value itself.
    @inlinable public var radixImage: UInt64 { self }
}

extension UInt32: RadixSortableKey {
    /// The value itself.
    @inlinable public var radixImage: UInt64 { UInt64(self) }
}

extension UInt8: RadixSortableKey {
    /// The value itself.
    @inlinable public var radixImage: UInt64 { UInt64(self) }
}

extension Double: RadixSortableKey {
    /// The IEEE 754 bits made to sort as unsigned integers: negative values
    /// have every bit flipped, positive ones their sign bit set. NaNs, which do
    /// not compare, go to the ends.
    @inlinable public var radixImage: UInt64 {
        let bits = bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
}
