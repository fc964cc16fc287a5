/// `hash % divisor` for one fixed divisor, by multiplications instead of a
/// division: what a shuffle's map loop uses to place each record's key hash in
/// one of a ``HashPartitioner``'s partitions.
///
/// A 64-bit division takes tens of cycles and stalls everything that depends
/// on it; the map loop of a hash shuffle divides once per record. This is the
/// direct remainder of Lemire, Kaser and Kurz ("Faster remainder by direct
/// computation", 2019): with `m = ⌈2¹²⁸ / d⌉`, the remainder of `a` is the high
/// 64 bits of `(m · a mod 2¹²⁸) · d`, exact for every 64-bit `a` and `d`.
///
/// ```swift
/// let remainder = HashRemainder(divisor: 6)
/// remainder.of(hash) == hash % 6   // always
/// ```
///
/// A power of two (the usual partition count) takes a mask instead.
///
/// - Complexity: O(1): four 64-bit multiplications, or one `and`.
struct HashRemainder: Sendable {
    /// The divisor (at least 1).
    let divisor: UInt64
    // m = ⌈2¹²⁸ / divisor⌉ in two halves; 0 when the divisor is a power of two.
    private let high: UInt64
    private let low: UInt64
    // divisor − 1 when the divisor is a power of two (1 included), else 0.
    // A flag beside a plain mask, not an optional mask: the optional made the
    // word count's map side 3–7% slower (it is read for every record).
    private let mask: UInt64
    private let isPowerOfTwo: Bool

    /// The remainder by `divisor`, which must be at least 1.
    init(divisor: UInt64) {
        precondition(divisor > 0, "HashRemainder needs a divisor of at least 1")
        self.divisor = divisor
        isPowerOfTwo = divisor & (divisor - 1) == 0
        mask = isPowerOfTwo ? divisor - 1 : 0
        guard !isPowerOfTwo else {
            (high, low) = (0, 0)
            return
        }
        // For d > 1, ⌈2¹²⁸ / d⌉ = ⌊(2¹²⁸ − 1) / d⌋ + 1 (whether or not d divides
        // 2¹²⁸), and the floor is a long division of 2¹²⁸ − 1 in two 64-bit digits.
        let (q1, r1) = UInt64.max.quotientAndRemainder(dividingBy: divisor)
        let (q0, _) = divisor.dividingFullWidth((r1, UInt64.max))
        // (q1, q0) = ⌊(2¹²⁸ − 1) / d⌋; add one with carry.
        let (sum, carry) = q0.addingReportingOverflow(1)
        (high, low) = (q1 &+ (carry ? 1 : 0), sum)
    }

    /// `value % divisor`.
    @inline(__always)
    func of(_ value: UInt64) -> UInt64 {
        if isPowerOfTwo { return value & mask }
        // f = m · value mod 2¹²⁸, in halves (f1, f0).
        let (p1, f0) = low.multipliedFullWidth(by: value)
        let f1 = p1 &+ high &* value
        // The high 64 bits of f · divisor (bits 128 to 191 of the 192-bit product).
        let (carryIn, _) = f0.multipliedFullWidth(by: divisor)
        let (top, middle) = f1.multipliedFullWidth(by: divisor)
        let (_, overflow) = middle.addingReportingOverflow(carryIn)
        return top &+ (overflow ? 1 : 0)
    }
}
