import CAtomicSystem

/// A hash table from shuffle keys to combiners, built for map-side combining:
/// open addressing with linear probing on ``ShuffleKey/stableHash`` (not
/// Swift's per-process seeded SipHash), combiners merged in place.
///
/// Each slot holds an entry whole: its key's hash, the key and the combiner.
/// A probe compares the hash and the key where it finds them, so a record
/// costs one memory access on a table larger than the cache (two, when its
/// probe crosses into the next line), where a slot array of indices into a
/// separate entry array costs two.
///
/// ```
/// slots:  │ nil │ (hash, key, combiner) │ (hash, key, combiner) │ nil │ …
///                 ▲ home(hash), then the next slots until the key or a nil
/// ```
///
/// The table grows at a load of 3/4, so it holds between 3/8 and 3/4 of its
/// slots. Entries come out in slot order, not in insertion order. An ordered
/// table (the map side's) takes a key's home slot from the high bits of its
/// ``HashOrder/scrambled(_:)`` hash below the `skip` bits all its keys share,
/// so its entries come out nearly in that order; a scattered table (the
/// reduce side's, which reads entries in that order) takes it from another
/// multiplication, since keys arriving in home order would pile up in one
/// run of slots while the table is small.
///
/// - Complexity: amortized O(1) per insert; iteration is O(slots).
struct CombineTable<K: ShuffleKey, C> {
    /// An entry: the key's stable hash, the key and its combiner.
    typealias Entry = (hash: UInt64, key: K, value: C)

    private var slots: [Entry?]
    /// The number of keys.
    private(set) var count = 0
    private var mask: Int
    private var shift: UInt64
    // The slot of the entry inserted last (-1: none), for a sample.
    private var lastSlot = -1
    // Ordered: the high bits of the scrambled hash that every key of the table
    // shares. Scattered: 64 (see `home`).
    private let skip: UInt64
    // The first slot's address, for prefetches only: kept outside `slots` so
    // that a prefetch pays no retain of the array. It may be stale in a copy of
    // the table whose slots were since copied on write, which a prefetch
    // tolerates (a hint, never a fault); nothing reads or writes through it.
    private var prefetchBase: UnsafeRawPointer

    /// An ordered table for at least `capacity` keys whose scrambled hashes all
    /// share their `skip` highest bits (the bits that chose the table among others).
    init(capacity: Int = 16, skip: Int = 0) {
        precondition((0..<32).contains(skip), "Internal inconsistency: a table skipping \(skip) hash bits")
        self.init(capacity: capacity, skipBits: UInt64(skip))
    }

    /// A scattered table, for keys that may arrive in the order of their scrambled hash.
    static func scattered(capacity: Int = 16) -> CombineTable { CombineTable(capacity: capacity, skipBits: 64) }

    private init(capacity: Int, skipBits: UInt64) {
        skip = skipBits
        var size = 16, bits: UInt64 = 4
        while size * 3 < capacity * 4 { size <<= 1; bits += 1 }
        slots = Array(repeating: nil, count: size)
        mask = size - 1
        shift = 64 - bits
        prefetchBase = Self.base(of: slots)
    }

    private static func base(of slots: [Entry?]) -> UnsafeRawPointer {
        slots.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress.unsafelyUnwrapped) }
    }

    /// Asks for the cache line of `hash`'s home slot, ahead of an ``upsert(_:hash:_:create:merge:)``
    /// of it a few records later, so that the miss on a table larger than the
    /// cache overlaps the work on the records in between.
    @inline(__always)
    func prefetch(_ hash: UInt64) {
        catomic_prefetch_for_write(prefetchBase + home(hash) &* MemoryLayout<Entry?>.stride)
    }

    /// Bytes a table spends on an entry beyond the entry's record (key and
    /// combiner), for memory accounting: its hash and the rest of its slot, and
    /// its share of the empty slots at a typical load of 2/3 (the load moves
    /// between 3/8 and 3/4). 32 for an `(Int, Int)` table, as much as the
    /// earlier layout counted (slot, hash and entry arrays).
    static var overheadPerEntry: Int {
        3 * MemoryLayout<Entry?>.stride / 2 - MemoryLayout<(K, C)>.stride
    }

    /// True when empty.
    var isEmpty: Bool { count == 0 }

    /// The entry inserted last, as a sample for memory estimates.
    var last: (key: K, value: C)? {
        guard lastSlot >= 0, let entry = slots[lastSlot] else { return nil }
        return (entry.key, entry.value)
    }

    // The slot of a hash: the bits of its scrambled value below the shared ones
    // (ordered), or the high bits of another product (scattered). A
    // multiplication keeps the slot from correlating with `hash % reducers`,
    // which picked this table, and spreads even a weak hash.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Self.home(hash, skip: skip, shift: shift) }

    @inline(__always)
    private static func home(_ hash: UInt64, skip: UInt64, shift: UInt64) -> Int {
        if skip == 64 { return Int(truncatingIfNeeded: (hash &* 0xD6E8_FEB8_6659_FD93) >> shift) }
        return Int(truncatingIfNeeded: (HashOrder.scrambled(hash) &<< skip) >> shift)
    }

    /// Merges `value` into the combiner of `key`, or creates one; returns true
    /// when `key` is new.
    @inline(__always) @discardableResult
    mutating func upsert<V>(_ key: K, hash: UInt64, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) rethrows -> Bool {
        let mask = mask, start = home(hash)
        // The slot filled, or -1 when the key was there and merged.
        let filled: Int = try slots.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress.unsafelyUnwrapped
            var slot = start
            while true {
                let entry = base + slot
                guard let found = entry.pointee?.hash else {
                    entry.pointee = (hash, key, try create(value))
                    return slot
                }
                if found == hash && entry.pointee.unsafelyUnwrapped.key == key {
                    try merge(&entry.pointee!.value, value)
                    return -1
                }
                slot = (slot &+ 1) & mask
            }
        }
        guard filled >= 0 else { return false }
        count += 1
        lastSlot = filled
        if count &* 4 > slots.count &* 3 { grow() }
        return true
    }

    /// Appends the entries as pairs to `pairs`, in slot order.
    func appendPairs(to pairs: inout [(K, C)]) {
        for case let entry? in slots { pairs.append((entry.key, entry.value)) }
    }

    /// Moves the entries out, in slot order, leaving the table empty.
    mutating func takeEntries() -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for case let entry? in slots { entries.append(entry) }
        self = CombineTable(capacity: 16, skipBits: skip)
        return entries
    }

    /// Doubles the slots and moves every entry to its place among them (no
    /// entry is copied: keys that hold references are not retained again).
    private mutating func grow() {
        let lastHash = slots[lastSlot]?.hash
        var old: [Entry?] = []
        swap(&old, &slots)
        shift -= 1
        var fresh = [Entry?](repeating: nil, count: old.count * 2)
        let mask = fresh.count - 1, shift = shift, skip = skip
        var moved = -1
        fresh.withUnsafeMutableBufferPointer { target in
            let targetBase = target.baseAddress.unsafelyUnwrapped
            old.withUnsafeMutableBufferPointer { source in
                let sourceBase = source.baseAddress.unsafelyUnwrapped
                for index in 0..<source.count {
                    guard let hash = sourceBase[index]?.hash else { continue }
                    var slot = Self.home(hash, skip: skip, shift: shift)
                    while targetBase[slot] != nil { slot = (slot &+ 1) & mask }
                    // Moved out, and the old slot left holding nil, so `old` is released as empty.
                    (targetBase + slot).pointee = (sourceBase + index).move()
                    (sourceBase + index).initialize(to: nil)
                    // Any entry of the last one's hash serves as the sample.
                    if moved < 0 && hash == lastHash { moved = slot }
                }
            }
        }
        slots = fresh
        self.mask = mask
        lastSlot = moved
        prefetchBase = Self.base(of: slots)
    }
}

/// The order shuffle tables keep their keys in: by a scrambled form of the
/// key's stable hash (a bijection, so equal hashes stay equal).
///
/// The map side's tables pick their range by the top bits of the scrambled
/// hash and their slots by the bits below, so a map task's bucket comes out
/// nearly sorted by it; the reduce side's tables pick their range and slots
/// the same way, so reading such a bucket fills one table at a time, front to
/// back, instead of writing all over them.
enum HashOrder {
    /// `hash` times an odd constant (Fibonacci hashing): its high bits depend
    /// on every bit of the hash, even of a weak one.
    @inline(__always)
    static func scrambled(_ hash: UInt64) -> UInt64 { hash &* 0x9E37_79B9_7F4A_7C15 }

    /// The range of `hash` among `1 << bits` ranges (0 for 0 bits).
    @inline(__always)
    static func range(_ hash: UInt64, bits: Int) -> Int {
        bits == 0 ? 0 : Int(truncatingIfNeeded: scrambled(hash) >> UInt64(64 - bits))
    }
}
