/// The reduce side of an aggregating shuffle: merges combiners of equal keys in
/// a hash map and, when the executor's memory budget refuses more room, spills
/// the map to disk as a run sorted by key hash. Draining merges the runs by
/// hash, combining equal keys, so data several times the budget aggregates
/// correctly (Spark's `ExternalAppendOnlyMap`).
struct ExternalMap<K: ShuffleKey, C: Sendable> {
    private var map: [K: C] = [:]
    private let merge: @Sendable (inout C, C) throws -> Void
    private var runs: SpilledRuns<(K, C)>
    private var inserts = 0

    init(merge: @escaping @Sendable (inout C, C) throws -> Void, codec: RecordCodec<(K, C)>,
         budget: MemoryBudget, scratch: ScratchSpace, task: TaskContext) {
        self.merge = merge
        self.runs = SpilledRuns(codec: codec, budget: budget, scratch: scratch, task: task, prefix: "aggregate")
    }

    /// Adds a combiner for `key`.
    mutating func insert(_ key: K, _ combiner: C) throws {
        if let index = map.index(forKey: key) {
            try merge(&map.values[index], combiner)
        } else {
            map[key] = combiner
        }
        inserts += 1
        if inserts & 1023 == 0, !runs.fits(entries: map.count, sample: (key, combiner)) {
            try spill()
        }
    }

    /// Adds one value for `key`: merged into the key's combiner, or made into its
    /// first one, so a value never costs a combiner of its own (cogroup's reduce side).
    mutating func insert<V>(_ key: K, value: V, createCombiner: (V) throws -> C,
                            mergeValue: (inout C, V) throws -> Void) throws {
        if let index = map.index(forKey: key) {
            try mergeValue(&map.values[index], value)
        } else {
            map[key] = try createCombiner(value)
        }
        inserts += 1
        if inserts & 1023 == 0, let combiner = map[key],
           !runs.fits(entries: map.count, sample: (key, combiner)) {
            try spill()
        }
    }

    /// The merged records, one per key.
    mutating func drain() throws -> Records<(K, C)> {
        if runs.isEmpty {
            var iterator = map.makeIterator()
            map = [:]
            return Records { iterator.next() }
        }
        if !map.isEmpty { try spill() }
        var sources = try runs.readers()
        // Equal hashes come out in run order, so a key's combiners merge in the
        // order they were inserted (a cogroup's values keep their arrival order).
        var heap = MergeHeap<(hash: Int, run: Int, key: K, value: C)> { ($0.hash, $0.run) < ($1.hash, $1.run) }
        for i in sources.indices {
            if let (k, c) = try sources[i].next() { heap.push((k.hashValue, i, k, c), source: i) }
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
                if let i = group.firstIndex(where: { $0.0 == top.item.key }) {
                    try merge(&group[i].1, top.item.value)
                } else {
                    group.append((top.item.key, top.item.value))
                }
                if let (k, c) = try sources[top.source].next() {
                    heap.push((k.hashValue, top.source, k, c), source: top.source)
                }
            }
            groupIndex = 1
            return group[0]
        }
    }

    private mutating func spill() throws {
        // Hash each key once, not at every comparison.
        let sorted = map.map { (hash: $0.key.hashValue, record: $0) }.sorted { $0.hash < $1.hash }
        map = [:]
        try runs.spill(sorted.lazy.map(\.record))
    }
}
