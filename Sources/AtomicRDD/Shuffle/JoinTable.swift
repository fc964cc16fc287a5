/// The build side of a hash join: every value of one side of a partition,
/// grouped by key, for the other side to probe one record at a time.
///
/// Open addressing with linear probing on ``ShuffleKey/stableHash``, laid out
/// like ``CombineTable``: a slot packs 32 bits of the key's hash with the key's
/// index, so a probe touches one slot and, when the bits match, one entry.
///
/// Two phases. While loading, values are appended in arrival order, each with
/// the index of its key's entry, and each entry counts its values. ``seal()``
/// then places every key's values side by side, in arrival order (a counting
/// sort by entry), so a probe that matches walks consecutive memory: on a
/// table larger than the cache, a linked list of values would cost a cache
/// miss per joined row. A sealed entry keeps its key beside the range of its
/// values, so a probe touches a slot, an entry and the values: one cache miss
/// fewer than with keys and ranges in arrays of their own.
///
/// ```
/// slots    [ tag|2 ][   0   ][ tag|1 ] ...
/// keys     [ k0 ][ k1 ]                     loading: values w0 w1 w2, of entries 0 1 0
/// entries  [ k0 0..<2 ][ k1 2..<3 ]         sealed:  values w0 w2 | w1
/// ```
///
/// ``find(_:into:)`` looks up a batch of keys in stages, each stage's loads
/// independent of one another, letting the processor overlap their misses.
///
/// - Complexity: amortized O(1) per insert and per lookup; ``seal()`` is O(values).
struct JoinTable<K: ShuffleKey, W> {
    /// The keys in order of first insertion.
    private var keys: [K] = []
    // Kept for growing only, so lookups never read it.
    private var hashes: [UInt64] = []
    // Slot: (upper 32 bits of the hash) << 32 | (entry index + 1); 0 = empty.
    private var slots: [UInt64]
    private var mask: Int
    private var shift: UInt64
    /// Loading: the values in arrival order and the entry of each; the number of values of each entry.
    private var arrived: [W] = []
    private var arrivedEntries: [UInt32] = []
    private var counts: [Int] = []
    /// Sealed: every entry's values, side by side in entry order, and each
    /// entry's key with the range of its values.
    private var values: [W] = []
    private var entries: [Entry] = []
    private struct Entry {
        var key: K
        var start: Int
        var end: Int
    }
    private(set) var isSealed = false
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
    var keyCount: Int { isSealed ? entries.count : keys.count }
    /// The number of values.
    var valueCount: Int { isSealed ? values.count : arrived.count }

    // As in CombineTable: the slot comes from the high bits of a multiplication,
    // so it does not correlate with `hash % partitions`, which chose this partition.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int { HashSlots.home(hash, shift: shift) }

    /// Adds `value` after the values `key` already has (before ``seal()`` only).
    @inline(__always)
    mutating func insert(_ key: K, hash: UInt64, _ value: W) {
        precondition(!isSealed, "Internal inconsistency: insert into a sealed join table")
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = home(hash)
        while true {
            let packed = slots[slot]
            if packed == 0 {
                let entry = keys.count
                keys.append(key)
                hashes.append(hash)
                counts.append(1)
                arrived.append(value)
                arrivedEntries.append(UInt32(truncatingIfNeeded: entry))
                slots[slot] = tag | UInt64(entry + 1)
                if keys.count * 2 > slots.count { grow() }
                return
            }
            if packed & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) - 1
                if keys[entry] == key {
                    counts[entry] += 1
                    arrived.append(value)
                    arrivedEntries.append(UInt32(truncatingIfNeeded: entry))
                    return
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Places every key's values side by side, in arrival order; after this
    /// the table takes no inserts and its values can be read.
    mutating func seal() {
        guard !isSealed else { return }
        isSealed = true
        var starts = [Int](repeating: 0, count: keys.count + 1)
        var total = 0
        for entry in counts.indices {
            starts[entry] = total
            total += counts[entry]
        }
        starts[keys.count] = total
        entries = keys.indices.map { Entry(key: keys[$0], start: starts[$0], end: starts[$0 + 1]) }
        keys = []
        counts = []
        let arrived = self.arrived, arrivedEntries = self.arrivedEntries
        self.arrived = []
        self.arrivedEntries = []
        guard total > 0 else { return }
        // Every slot of `values` is written exactly once: `starts` walks each
        // entry's range from its beginning, and the counts sum to `total`.
        values = [W](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            for index in arrived.indices {
                let entry = Int(arrivedEntries[index])
                (base + starts[entry]).initialize(to: arrived[index])
                starts[entry] += 1
            }
            initialized = total
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
                if isSealed ? entries[entry].key == key : keys[entry] == key { return entry }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Sets `found[i]` to the entry of `keys[i]`, or -1 when it has none, for
    /// every key of the batch (a sealed table only).
    ///
    /// Stages: hash every key and read its home slot; then resolve every key
    /// to its entry; then read where every entry's values start, and the first
    /// of them. The loads of one stage do not depend on each other, so their
    /// cache misses overlap.
    mutating func find(_ batch: [K], into found: inout [Int]) {
        precondition(isSealed, "Internal inconsistency: lookups in a join table that is not sealed")
        found.removeAll(keepingCapacity: true)
        batchHashes.removeAll(keepingCapacity: true)
        var touched = 0
        for key in batch {
            let hash = key.stableHash
            let slot = home(hash)
            touched &+= Int(truncatingIfNeeded: slots[slot])
            batchHashes.append(hash)
            found.append(slot)
        }
        for i in batch.indices {
            let entry = find(batch[i], hash: batchHashes[i], from: found[i])
            found[i] = entry
            if entry >= 0 { touched &+= entries[entry].start }
        }
        // Reads the first byte of each entry's first value through raw memory,
        // so that no value is copied (a copy of a string would retain it).
        let stride = MemoryLayout<W>.stride
        if stride > 0 {
            values.withUnsafeBytes { raw in
                for entry in found where entry >= 0 {
                    touched &+= Int(raw.load(fromByteOffset: entries[entry].start * stride, as: UInt8.self))
                }
            }
        }
        sink &+= touched
    }

    /// The indices of the values of entry `entry`, for ``value(at:)`` (a sealed table only).
    @inline(__always)
    func valueRange(of entry: Int) -> Range<Int> { entries[entry].start..<entries[entry].end }

    /// The value at `index` (in a range from ``valueRange(of:)``).
    @inline(__always)
    func value(at index: Int) -> W { values[index] }

    /// The key of entry `entry`.
    @inline(__always)
    func key(of entry: Int) -> K { isSealed ? entries[entry].key : keys[entry] }

    /// The values of entry `entry`, in insertion order (a sealed table only).
    func values(of entry: Int) -> [W] { Array(values[valueRange(of: entry)]) }

    private mutating func grow() {
        shift -= 1
        slots = HashSlots.rebuilt(hashes, count: slots.count * 2, shift: shift)
        mask = slots.count - 1
    }
}
