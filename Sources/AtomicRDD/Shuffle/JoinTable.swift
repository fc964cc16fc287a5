/// The build side of a hash join: every value of one side of a partition,
/// grouped by key, for the other side to probe one record at a time.
///
/// Open addressing with linear probing on ``ShuffleKey/stableHash``, laid out
/// like ``CombineTable``: a slot packs 32 bits of the key's hash with the key's
/// index, so a probe touches one slot and, when the bits match, one entry (the
/// key with its first and last value). The values of a key form a list in
/// insertion order (each node holds a value and the index of the next one), so
/// adding a value never moves the others and no key owns an array of its own.
///
/// ```
/// slots    [ tag|2 ][   0   ][ tag|1 ] ...
/// entries  [ (k0, first 0, last 2) ][ (k1, first 1, last 1) ]
/// nodes    [ (w0, next 2) ][ (w1, next -1) ][ (w2, next -1) ]     k0: w0, w2; k1: w1
/// ```
///
/// On a table larger than the cache each of the three is a cache miss, so
/// ``find(_:into:)`` looks up a batch of keys in stages, each stage's loads
/// independent of one another, letting the processor overlap their misses.
///
/// - Complexity: amortized O(1) per insert and per lookup; a key's values are
///   walked in O(their count).
struct JoinTable<K: ShuffleKey, W> {
    /// A key with the indices of its first and last value in `nodes`.
    private typealias Entry = (key: K, first: Int, last: Int)
    /// The keys with their values' ends, in order of first insertion.
    private var entries: [Entry] = []
    // Kept for growing only, so lookups never read it.
    private var hashes: [UInt64] = []
    // Slot: (upper 32 bits of the hash) << 32 | (entry index + 1); 0 = empty.
    private var slots: [UInt64]
    private var mask: Int
    private var shift: UInt64
    /// A value with the index of the next value of its key (-1: none).
    private struct Node {
        var value: W
        var next: Int
    }
    // The values in insertion order.
    private var nodes: [Node] = []
    // The hashes of the batch being looked up by `find(_:into:)`.
    private var batchHashes: [UInt64] = []
    // Written by the stages of `find(_:into:)` so that their loads are not optimized away.
    private var sink = 0

    init() {
        slots = Array(repeating: 0, count: 16)
        mask = 15
        shift = 60
    }

    /// The number of distinct keys.
    var keyCount: Int { entries.count }
    /// The number of values.
    var valueCount: Int { nodes.count }

    // As in CombineTable: the slot comes from the high bits of a multiplication,
    // so it does not correlate with `hash % partitions`, which chose this partition.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Adds `value` after the values `key` already has.
    @inline(__always)
    mutating func insert(_ key: K, hash: UInt64, _ value: W) {
        let index = nodes.count
        nodes.append(Node(value: value, next: -1))
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = home(hash)
        while true {
            let packed = slots[slot]
            if packed == 0 {
                entries.append((key, index, index))
                hashes.append(hash)
                slots[slot] = tag | UInt64(entries.count)
                if entries.count * 2 > slots.count { grow() }
                return
            }
            if packed & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) - 1
                if entries[entry].key == key {
                    nodes[entries[entry].last].next = index
                    entries[entry].last = index
                    return
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The entry of `key` (an index below ``keyCount``), or -1 when it has no values.
    @inline(__always)
    func find(_ key: K, hash: UInt64) -> Int {
        find(key, hash: hash, from: home(hash))
    }

    @inline(__always)
    private func find(_ key: K, hash: UInt64, from home: Int) -> Int {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = home
        while true {
            let packed = slots[slot]
            if packed == 0 { return -1 }
            if packed & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) - 1
                if entries[entry].key == key { return entry }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Sets `found[i]` to the first value (an index for ``value(at:)``) of
    /// `keys[i]`, or -1 when it has none, for every key of the batch.
    ///
    /// Stages: hash every key and read its home slot; then resolve every key
    /// to its entry; then read every entry's first value. The loads of one
    /// stage do not depend on each other, so their cache misses overlap.
    mutating func find(_ keys: [K], into found: inout [Int]) {
        found.removeAll(keepingCapacity: true)
        batchHashes.removeAll(keepingCapacity: true)
        var touched = 0
        for key in keys {
            let hash = key.stableHash
            let slot = home(hash)
            touched &+= Int(truncatingIfNeeded: slots[slot])
            batchHashes.append(hash)
            found.append(slot)
        }
        for i in keys.indices {
            let entry = find(keys[i], hash: batchHashes[i], from: found[i])
            found[i] = entry < 0 ? -1 : entries[entry].first
        }
        // Reads each first node's `next` field through raw memory, so that no
        // value is copied (a copy of a string would retain it).
        let stride = MemoryLayout<Node>.stride, offset = MemoryLayout<Node>.offset(of: \Node.next) ?? 0
        nodes.withUnsafeBytes { raw in
            for first in found where first >= 0 {
                touched &+= raw.load(fromByteOffset: first * stride + offset, as: Int.self)
            }
        }
        sink &+= touched
    }

    /// The value at `index` (from ``find(_:into:)`` or ``firstValue(of:)``).
    @inline(__always)
    func value(at index: Int) -> W { nodes[index].value }

    /// The index of the value after the one at `index` for the same key, or -1.
    @inline(__always)
    func value(after index: Int) -> Int { nodes[index].next }

    /// The key of entry `entry`.
    @inline(__always)
    func key(of entry: Int) -> K { entries[entry].key }

    /// The index of the first value of entry `entry`.
    @inline(__always)
    func firstValue(of entry: Int) -> Int { entries[entry].first }

    /// The values of entry `entry`, in insertion order.
    func values(of entry: Int) -> [W] {
        var result: [W] = []
        var index = entries[entry].first
        while index >= 0 {
            result.append(nodes[index].value)
            index = nodes[index].next
        }
        return result
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        shift -= 1
        for (index, hash) in hashes.enumerated() {
            var slot = home(hash)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
    }
}
