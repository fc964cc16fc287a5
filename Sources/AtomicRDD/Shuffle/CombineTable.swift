/// A hash table from shuffle keys to combiners, built for map-side combining:
/// open addressing with linear probing on ``ShuffleKey/stableHash`` (not
/// Swift's per-process seeded SipHash), entries kept densely in insertion
/// order, and combiners merged in place.
///
/// - Complexity: amortized O(1) per insert; iteration is O(count).
struct CombineTable<K: ShuffleKey, C> {
    private(set) var keys: [K] = []
    private(set) var values: [C] = []
    private var hashes: [UInt64] = []
    // Slot -> entry index + 1 (0 = empty).
    private var slots: [Int32]
    private var mask: Int
    private var shift: UInt64

    init(capacity: Int = 16) {
        var size = 16, bits: UInt64 = 4
        while size < capacity * 2 { size <<= 1; bits += 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        shift = 64 - bits
    }

    // The slot of a hash comes from its high bits after a multiplication, so it
    // does not correlate with `hash % reducers`, which picked this table.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The number of keys.
    var count: Int { keys.count }
    /// True when empty.
    var isEmpty: Bool { keys.isEmpty }

    /// Merges `value` into the combiner of `key`, or creates one.
    @inline(__always)
    mutating func upsert<V>(_ key: K, hash: UInt64, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) rethrows {
        var slot = home(hash)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 {
                slots[slot] = Int32(keys.count + 1)
                keys.append(key)
                values.append(try create(value))
                hashes.append(hash)
                if keys.count * 2 > slots.count { grow() }
                return
            }
            if hashes[entry - 1] == hash && keys[entry - 1] == key {
                try merge(&values[entry - 1], value)
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// The entries as pairs, in insertion order.
    func pairs() -> [(K, C)] {
        var result: [(K, C)] = []
        result.reserveCapacity(keys.count)
        for i in keys.indices { result.append((keys[i], values[i])) }
        return result
    }

    /// Removes every entry, keeping the table's size.
    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        shift -= 1
        for (index, hash) in hashes.enumerated() {
            var slot = home(hash)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }
}
