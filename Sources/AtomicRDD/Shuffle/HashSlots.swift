/// The slot array that `CombineTable` and `JoinTable` share: open addressing
/// over a power-of-two number of slots, each holding the high half of an
/// entry's hash and its index + 1 (0 marks an empty slot).
enum HashSlots {
    /// The first slot to probe for `hash` in a table whose size is `1 << (64 - shift)`.
    @inline(__always)
    static func home(_ hash: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// `count` slots (a power of two, `1 << (64 - shift)`) holding the entries of `hashes`, by index.
    static func rebuilt(_ hashes: [UInt64], count: Int, shift: UInt64) -> [UInt64] {
        var slots = [UInt64](repeating: 0, count: count)
        let mask = count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = home(hash, shift: shift)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
        return slots
    }
}
