/// A hash table from shuffle keys to combiners, built for map-side combining:
/// open addressing with linear probing on ``ShuffleKey/stableHash`` (not
/// Swift's per-process seeded SipHash), entries kept densely in insertion
/// order, and combiners merged in place.
///
/// Each slot packs 32 bits of the key's hash with the entry's index, so a probe
/// touches one slot and, when the hash bits match, one entry (key and combiner
/// side by side): two memory accesses per record on a table larger than the cache.
///
/// - Complexity: amortized O(1) per insert; iteration is O(count).
struct CombineTable<K: ShuffleKey, C> {
    /// The entries, in insertion order.
    private(set) var entries: [(key: K, value: C)] = []
    /// The stable hash of each entry's key, in the order of `entries`. Probes
    /// never read it: it serves growing and spilling in hash order.
    private(set) var hashes: [UInt64] = []
    // Slot: (upper 32 bits of the hash) << 32 | (entry index + 1); 0 = empty.
    private var slots: [UInt64]
    private var mask: Int
    private var shift: UInt64

    init(capacity: Int = 16) {
        var size = 16, bits: UInt64 = 4
        while size < capacity * 2 { size <<= 1; bits += 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        shift = 64 - bits
    }

    /// Bytes a table spends on an entry beyond the entry itself, for memory
    /// accounting: its hash (8) and its share of the slots (16 to 32 at a load
    /// between 1/4 and 1/2).
    static var overheadPerEntry: Int { 8 + 24 }

    /// The number of keys.
    var count: Int { entries.count }
    /// True when empty.
    var isEmpty: Bool { entries.isEmpty }

    // The slot of a hash comes from its high bits after a multiplication, so it
    // does not correlate with `hash % reducers`, which picked this table.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int { HashSlots.home(hash, shift: shift) }

    /// Merges `value` into the combiner of `key`, or creates one; returns true
    /// when `key` is new.
    @inline(__always) @discardableResult
    mutating func upsert<V>(_ key: K, hash: UInt64, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) rethrows -> Bool {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = home(hash)
        while true {
            let packed = slots[slot]
            if packed == 0 {
                entries.append((key, try create(value)))
                hashes.append(hash)
                slots[slot] = tag | UInt64(entries.count)
                if entries.count * 2 > slots.count { grow() }
                return true
            }
            if packed & 0xFFFF_FFFF_0000_0000 == tag {
                let index = Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) - 1
                if entries[index].key == key {
                    try merge(&entries[index].value, value)
                    return false
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The entries as pairs, in insertion order.
    func pairs() -> [(K, C)] { entries.map { ($0.key, $0.value) } }

    /// Appends the entries as pairs to `pairs`, in insertion order.
    func appendPairs(to pairs: inout [(K, C)]) {
        for entry in entries { pairs.append((entry.key, entry.value)) }
    }

    /// Moves the entries out, in insertion order, leaving the table empty.
    mutating func takeEntries() -> [(key: K, value: C)] {
        defer { self = CombineTable() }
        return entries
    }

    private mutating func grow() {
        shift -= 1
        slots = HashSlots.rebuilt(hashes, count: slots.count * 2, shift: shift)
        mask = slots.count - 1
    }
}
