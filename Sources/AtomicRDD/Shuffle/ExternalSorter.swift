import Foundation

/// Sorts a reduce partition by key within the executor's memory budget: when
/// refused more room it sorts what it holds and spills it as a run; draining
/// merges the runs with a heap (the reduce side of `sortByKey`).
struct ExternalSorter<K: ShuffleKey, C: Sendable> {
    private var buffer: [(K, C)] = []
    private let less: @Sendable (K, K) -> Bool
    private let codec: RecordCodec<(K, C)>
    private let memory: MemoryTracker
    private let scratch: ScratchSpace
    private let task: TaskContext
    private var runs: [RunSegment] = []

    init(areInIncreasingOrder: @escaping @Sendable (K, K) -> Bool, codec: RecordCodec<(K, C)>,
         budget: MemoryBudget, scratch: ScratchSpace, task: TaskContext) {
        self.less = areInIncreasingOrder
        self.codec = codec
        self.memory = MemoryTracker(budget: budget)
        self.scratch = scratch
        self.task = task
        let memory = self.memory
        task.onCompletion { memory.releaseAll() }
    }

    /// Adds a record.
    mutating func insert(_ record: (K, C)) throws {
        buffer.append(record)
        if buffer.count & 1023 == 0, !memory.fits(entries: buffer.count, sample: record, codec: codec) {
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
        var sources = try runs.map { try RunFileReader.records($0, codec: codec) }
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
        let path = scratch.newFile("sort-\(task.stageId)-\(task.partition)")
        task.onCompletion { try? FileManager.default.removeItem(atPath: path) }
        var writer = try RunFileWriter(path: path, codec: codec)
        for record in buffer { try writer.append(record) }
        runs.append(RunSegment(path: path, range: try writer.endSegment()))
        try writer.close()
        buffer = []
        task.metrics.spilledBytes += writer.written
        task.metrics.spillCount += 1
        memory.releaseAll()
    }
}
