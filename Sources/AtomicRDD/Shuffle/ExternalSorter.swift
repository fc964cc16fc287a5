/// Sorts a reduce partition by key within the executor's memory budget: when
/// refused more room it sorts what it holds and spills it as a run; draining
/// merges the runs with a heap (the reduce side of `sortByKey`).
struct ExternalSorter<K: ShuffleKey, C: Sendable> {
    private var buffer: [(K, C)] = []
    private let less: @Sendable (K, K) -> Bool
    private var runs: SpilledRuns<(K, C)>

    init(areInIncreasingOrder: @escaping @Sendable (K, K) -> Bool, codec: RecordCodec<(K, C)>,
         budget: MemoryBudget, scratch: ScratchSpace, task: TaskContext) {
        self.less = areInIncreasingOrder
        self.runs = SpilledRuns(codec: codec, budget: budget, scratch: scratch, task: task, prefix: "sort")
    }

    /// Adds a record.
    mutating func insert(_ record: (K, C)) throws {
        buffer.append(record)
        if buffer.count & 1023 == 0, !runs.fits(entries: buffer.count, sample: record) {
            try spill()
        }
    }

    /// The records in key order.
    mutating func drain() throws -> Records<(K, C)> {
        let less = less
        buffer.sort { less($0.0, $1.0) }
        if runs.isEmpty {
            let sorted = buffer
            buffer = []
            return Records(sorted)
        }
        var sources = try runs.readers()
        sources.append(Records(buffer))
        buffer = []
        var heap = MergeHeap<(K, C)> { less($0.0, $1.0) }
        for i in sources.indices {
            if let record = try sources[i].next() { heap.push(record, source: i) }
        }
        return Records {
            guard let (record, source) = heap.pop() else { return nil }
            if let next = try sources[source].next() { heap.push(next, source: source) }
            return record
        }
    }

    private mutating func spill() throws {
        let less = less
        buffer.sort { less($0.0, $1.0) }
        try runs.spill(buffer)
        buffer = []
    }
}
