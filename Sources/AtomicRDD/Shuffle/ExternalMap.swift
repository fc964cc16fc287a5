/// The reduce side of an aggregating shuffle: merges combiners of equal keys in
/// ``CombineTable``s and, when the executor's memory budget refuses more room,
/// spills the tables to disk as a run sorted by the keys' stable hash. Draining
/// merges the runs by hash, combining equal keys, so data several times the
/// budget aggregates correctly (Spark's `ExternalAppendOnlyMap`).
///
/// Once the keys outgrow the cache, they are split into 64 tables by the high
/// bits of their scrambled hash (``HashOrder``). A map task wrote its buckets
/// nearly in that order (see ``RangeCombiner``), so while one bucket is read
/// only one small table is written at a time, front to back.
struct ExternalMap<K: ShuffleKey, C: Sendable> {
    // The keys of range i (`HashOrder.range(hash, bits: bits)`) are in tables[i]; one table while `bits` is 0.
    // Scattered tables: a map task's bucket arrives in the order of the scrambled hash.
    private var tables = [CombineTable<K, C>.scattered()]
    private var bits = 0
    private var count = 0
    private var lastTable = 0
    private let merge: @Sendable (inout C, C) throws -> Void
    private var runs: SpilledRuns<(K, C)>
    private var inserts = 0

    init(merge: @escaping @Sendable (inout C, C) throws -> Void, codec: RecordCodec<(K, C)>,
         budget: MemoryBudget, scratch: ScratchSpace, task: TaskContext) {
        self.merge = merge
        self.runs = SpilledRuns(codec: codec, budget: budget, scratch: scratch, task: task, prefix: "aggregate",
                                overheadPerEntry: CombineTable<K, C>.overheadPerEntry)
    }

    /// The number of keys beyond which the table is split by hash range.
    private static var splitThreshold: Int { 1 << 15 }
    /// The high hash bits that choose a table once split.
    private static var rangeBits: Int { 6 }

    /// Adds a combiner for `key`.
    @inline(__always)
    mutating func insert(_ key: K, _ combiner: C) throws {
        try insert(key, value: combiner, createCombiner: { $0 }, mergeValue: merge)
    }

    /// Adds every record of `input`, each a key with a combiner.
    mutating func insertAll(_ input: inout Records<(K, C)>) throws {
        // Read once: passing the stored closure to each insert would retain and release it per record.
        let merge = merge
        try input.forEach { record in
            try insert(record.0, value: record.1, createCombiner: { $0 }, mergeValue: merge)
        }
    }

    /// Adds one value for `key`: merged into the key's combiner, or made into its
    /// first one, so a value never costs a combiner of its own (cogroup's reduce side).
    @inline(__always)
    mutating func insert<V>(_ key: K, value: V, createCombiner: (V) throws -> C,
                            mergeValue: (inout C, V) throws -> Void) throws {
        let hash = key.stableHash, index = HashOrder.range(hash, bits: bits)
        if try tables[index].upsert(key, hash: hash, value, create: createCombiner, merge: mergeValue) {
            count += 1
            lastTable = index
            if count == Self.splitThreshold && tables.count == 1 { split() }
        }
        inserts += 1
        if inserts & 1023 == 0 { try checkMemory() }
    }

    /// The merged records, one per key.
    mutating func drain() throws -> Records<(K, C)> {
        if runs.isEmpty {
            var tables = tables
            self.tables = [CombineTable.scattered()]
            count = 0
            var entries: [CombineTable<K, C>.Entry] = [], table = 0, index = 0
            return Records {
                while index == entries.count {
                    guard table < tables.count else { return nil }
                    entries = tables[table].takeEntries()
                    table += 1
                    index = 0
                }
                defer { index += 1 }
                return (entries[index].key, entries[index].value)
            }
        }
        if count > 0 { try spill() }
        var sources = try runs.readers()
        // Runs are sorted by scrambled hash (the order of the tables, see `spill`).
        // Equal hashes come out in run order, so a key's combiners merge in the
        // order they were inserted (a cogroup's values keep their arrival order).
        // The heap orders plain (hash, run) pairs; each run's current record waits
        // in `heads`. Records in the heap itself would be copied at every
        // comparison (a retain and a release of each reference they hold).
        var heap = MergeHeap<(hash: UInt64, run: Int)> { ($0.hash, $0.run) < ($1.hash, $1.run) }
        var heads = [(K, C)?](repeating: nil, count: sources.count)
        for i in sources.indices {
            guard let (k, c) = try sources[i].next() else { continue }
            heap.push((HashOrder.scrambled(k.stableHash), i), source: i)
            heads[i] = (k, c)
        }
        var group: [(K, C)] = []
        var groupIndex = 0
        let merge = merge
        return Records {
            if groupIndex < group.count {
                defer { groupIndex += 1 }
                return group[groupIndex]
            }
            group.removeAll(keepingCapacity: true)
            groupIndex = 0
            guard let hash = heap.top?.item.hash else { return nil }
            while let top = heap.top, top.item.hash == hash {
                _ = heap.pop()
                let run = top.source
                guard let (key, value) = heads[run].take() else {
                    preconditionFailure("Internal inconsistency: run \(run) in the merge heap without a record")
                }
                if let i = group.firstIndex(where: { $0.0 == key }) {
                    try merge(&group[i].1, value)
                } else {
                    group.append((key, value))
                }
                if let (k, c) = try sources[run].next() {
                    heap.push((HashOrder.scrambled(k.stableHash), run), source: run)
                    heads[run] = (k, c)
                }
            }
            groupIndex = 1
            return group[0]
        }
    }

    private mutating func checkMemory() throws {
        guard let last = tables[lastTable].last else { return }
        if !runs.fits(entries: count, sample: (last.key, last.value)) { try spill() }
    }

    /// Splits the one table into one per hash range.
    private mutating func split() {
        bits = Self.rangeBits
        let entries = tables[0].takeEntries()
        tables = Array(repeating: CombineTable.scattered(), count: 1 << bits)
        for entry in entries {
            tables[HashOrder.range(entry.hash, bits: bits)]
                .upsert(entry.key, hash: entry.hash, entry.value, create: { $0 }, merge: { _, _ in })
        }
    }

    private mutating func spill() throws {
        // The tables are in the order of the scrambled hash's high bits; each is
        // sorted by the scrambled hashes it kept, so no key is hashed again and
        // the run is in scrambled-hash order throughout.
        var sorted: [CombineTable<K, C>.Entry] = []
        sorted.reserveCapacity(count)
        for index in tables.indices {
            let start = sorted.count
            sorted += tables[index].takeEntries()
            sorted[start...].sort { HashOrder.scrambled($0.hash) < HashOrder.scrambled($1.hash) }
        }
        count = 0
        try runs.spill(sorted.lazy.map { ($0.key, $0.value) })
    }
}
