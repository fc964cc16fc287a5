/// The record loop of a map task: buckets records by reduce partition, combines
/// values of a key when the shuffle has an aggregator, and spills the buckets to
/// a run file whenever the executor's memory budget refuses more room.
struct ShuffleWriter<K: ShuffleKey, V: Sendable, C: Sendable> {
    private let dependency: ShuffleDependency<K, V, C>
    private let task: TaskContext
    private let reducers: Int
    private var combined: [CombineTable<K, C>] = []
    private var buckets: [[(K, C)]] = []
    private var entries = 0
    private let memory: MemoryTracker
    private var segments: [[RunSegment]]
    private var files: [String] = []
    private var bytesPerReducer: [Int]

    init(dependency: ShuffleDependency<K, V, C>, task: TaskContext) {
        self.dependency = dependency
        self.task = task
        reducers = dependency.reduceCount
        memory = MemoryTracker(budget: task.environment.memory)
        segments = Array(repeating: [], count: reducers)
        bytesPerReducer = Array(repeating: 0, count: reducers)
        if dependency.aggregator != nil {
            combined = Array(repeating: CombineTable(), count: reducers)
        } else {
            buckets = Array(repeating: [], count: reducers)
        }
    }

    /// Writes every record of `input`; returns the output to register and its status.
    mutating func write(_ input: inout Records<(K, V)>) throws -> (MapOutput, MapStatus) {
        var records = 0
        let hashPartitions = UInt64((dependency.partitioner as? HashPartitioner)?.partitionCount ?? 0)
        if let aggregator = dependency.aggregator {
            while let (key, value) = try input.next() {
                let hash = key.stableHash
                let r = hashPartitions > 0 ? Int(hash % hashPartitions) : try dependency.partition(key)
                let before = combined[r].count
                try combined[r].upsert(key, hash: hash, value, create: aggregator.createCombiner, merge: aggregator.mergeValue)
                entries += combined[r].count - before
                records += 1
                if records & 1023 == 0, let last = combined[r].entries.last {
                    try checkMemory(sample: (last.key, last.value))
                }
            }
        } else {
            // Read once, not per record: each read of a closure stored in the
            // dependency costs a retain and a release.
            let partition = dependency.partition, passValue = dependency.passValue
            while let (key, value) = try input.next() {
                let r = hashPartitions > 0 ? Int(key.stableHash % hashPartitions) : try partition(key)
                let record = (key, passValue(value))
                buckets[r].append(record)
                entries += 1
                records += 1
                if records & 1023 == 0 { try checkMemory(sample: record) }
            }
        }
        task.metrics.recordsRead += records
        // Once part of the output went to disk, the rest follows, so a spilling
        // task leaves no memory held behind it.
        if !files.isEmpty && entries > 0 { try spill() }
        var memoryBuckets: [(any Sendable)?] = Array(repeating: nil, count: reducers)
        if entries > 0 {
            for r in 0..<reducers {
                var bucket: [(K, C)]
                if dependency.aggregator != nil {
                    bucket = combined[r].pairs()
                } else {
                    // Moved out, so a sort does not copy it.
                    bucket = buckets[r]
                    buckets[r] = []
                }
                dependency.keyOrdering?.sort(&bucket)
                if !bucket.isEmpty {
                    memoryBuckets[r] = bucket
                    bytesPerReducer[r] += bucket.count * memory.bytesPerEntry
                }
            }
        }
        let output = MapOutput(memory: memoryBuckets, segments: segments,
                               memoryBytes: memory.takeHeld(), files: files)
        let status = MapStatus(executorId: task.environment.executorId,
                               bytesPerReducer: bytesPerReducer, records: records)
        return (output, status)
    }

    private mutating func checkMemory(sample: (K, C)) throws {
        if !memory.fits(entries: entries, sample: sample, codec: dependency.codec) { try spill() }
    }

    private mutating func spill() throws {
        let path = task.environment.scratch.newFile("shuffle-\(dependency.shuffleId)-map-\(task.partition)")
        var writer = try RunFileWriter(path: path, codec: dependency.codec)
        files.append(path)
        for r in 0..<reducers {
            if dependency.aggregator != nil {
                let table = combined[r]
                for entry in table.entries { try writer.append((entry.key, entry.value)) }
                combined[r] = CombineTable()
            } else {
                dependency.keyOrdering?.sort(&buckets[r])
                for record in buckets[r] { try writer.append(record) }
                buckets[r].removeAll()
            }
            let segment = try writer.endSegment()
            bytesPerReducer[r] += segment.count
            segments[r].append(RunSegment(path: path, range: segment))
        }
        try writer.close()
        task.metrics.spilledBytes += writer.written
        task.metrics.spillCount += 1
        entries = 0
        memory.releaseAll()
    }
}
