import Foundation

/// The record loop of a map task: buckets records by reduce partition, combines
/// values of a key when the shuffle has an aggregator (in a ``RangeCombiner``),
/// and spills the buckets to a run file whenever the executor's memory budget
/// refuses more room.
///
/// Memory is counted as it is spent: a combined key costs its record and its
/// hash table's overhead (``CombineTable/overheadPerEntry``), a plain bucket's
/// record only its record. The output kept in memory holds exactly its records'
/// bytes against the budget until the shuffle is removed.
struct ShuffleWriter<K: ShuffleKey, V: Sendable, C: Sendable> {
    private let dependency: ShuffleDependency<K, V, C>
    private let task: TaskContext
    private let reducers: Int
    private var combiner: RangeCombiner<K, V, C>?
    private var buckets: [[(K, C)]] = []
    // Records in `buckets` (plain shuffles only; the combiner counts its own keys).
    private var bucketed = 0
    private let memory: MemoryTracker
    private var segments: [[RunSegment]]
    // Deleted when the task ends, unless the output took them over.
    private let files = SpillFiles()
    private var bytesPerReducer: [Int]

    init(dependency: ShuffleDependency<K, V, C>, task: TaskContext) {
        self.dependency = dependency
        self.task = task
        reducers = dependency.reduceCount
        segments = Array(repeating: [], count: reducers)
        bytesPerReducer = Array(repeating: 0, count: reducers)
        if let aggregator = dependency.aggregator {
            combiner = RangeCombiner(reducers: reducers, aggregator: aggregator, budget: task.environment.memory)
            memory = MemoryTracker(budget: task.environment.memory, overheadPerEntry: CombineTable<K, C>.overheadPerEntry)
        } else {
            buckets = Array(repeating: [], count: reducers)
            memory = MemoryTracker(budget: task.environment.memory, overheadPerEntry: 0)
        }
    }

    /// The records held in memory: combined keys, or bucketed records.
    private var entries: Int { combiner?.count ?? bucketed }

    /// Writes every record of `input`; returns the output to register and its status.
    mutating func write(_ input: inout Records<(K, V)>) throws -> (MapOutput, MapStatus) {
        var records = 0
        // A hash partitioner's placement, `stableHash % partitions`, without a
        // division per record.
        let hashPartitions = ((dependency.partitioner as? HashPartitioner)?.partitionCount).map {
            HashRemainder(divisor: UInt64($0))
        }
        if let aggregator = dependency.aggregator {
            // The functions read once; the user's own merge called directly when there is one.
            let create = aggregator.createCombiner
            if let combine = aggregator.combineValue {
                records = try combineRecords(&input, placement: hashPartitions, create: create) { c, v in c = try combine(c, v) }
            } else {
                let merge = aggregator.mergeValue
                records = try combineRecords(&input, placement: hashPartitions, create: create, merge: merge)
            }
            combiner!.stopStaging()
        } else {
            // Read once, not per record: each read of a closure stored in the
            // dependency costs a retain and a release.
            let partition = dependency.partition, passValue = dependency.passValue
            try input.forEach { pair in
                let r = try hashPartitions.map { Int(truncatingIfNeeded: $0.of(pair.0.stableHash)) } ?? partition(pair.0)
                let record = (pair.0, passValue(pair.1))
                buckets[r].append(record)
                bucketed += 1
                records += 1
                if records & 1023 == 0 { try checkMemory(sample: record) }
            }
        }
        task.metrics.recordsRead += records
        // Once part of the output went to disk, the rest follows, so a spilling
        // task leaves no memory held behind it.
        if !files.isEmpty && entries > 0 { try spill() }
        var memoryBuckets: [(any Sendable)?] = Array(repeating: nil, count: reducers)
        var bucketBytes = Array(repeating: 0, count: reducers)
        var kept = 0
        if entries > 0 {
            for r in 0..<reducers {
                var bucket = takeBucket(r)
                dependency.keyOrdering?.sort(&bucket)
                if !bucket.isEmpty {
                    memoryBuckets[r] = bucket
                    bucketBytes[r] = bucket.count * memory.bytesPerRecord
                    bytesPerReducer[r] += bucketBytes[r]
                    kept += bucket.count
                }
            }
        }
        // The kept buckets are arrays of records: they hold their records'
        // bytes, not what the tables that made them spent.
        var output = MapOutput(memory: memoryBuckets, segments: segments,
                               memoryBytes: memory.handOver(kept * memory.bytesPerRecord), files: files.handOver())
        output.bucketBytes = bucketBytes
        let status = MapStatus(executorId: task.environment.executorId,
                               bytesPerReducer: bytesPerReducer, records: records)
        return (output, status)
    }

    /// Combines every record of `input` into the combiner with `create` and
    /// `merge`; returns the number of records.
    @inline(__always)
    private mutating func combineRecords(_ input: inout Records<(K, V)>, placement hashPartitions: HashRemainder?,
                                  create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws -> Int {
        let partition = dependency.partition
        var records = 0
        if input.hasChunks {
            // A loop over each chunk: no function call per record to get it.
            try input.forEachChunk { chunk in
                try Records.take(chunk) { record in try combine(record, hashPartitions, partition, create, merge, &records) }
            }
        } else {
            // One tuple parameter, not `(key, value) in`: a closure of two parameters
            // passed where one of a tuple is taken goes through a thunk per record.
            try input.forEach { record in try combine(record, hashPartitions, partition, create, merge, &records) }
        }
        try combiner!.flushAll(create: create, merge: merge)
        return records
    }

    /// Combines one record, counting it in `records`.
    @inline(__always)
    private mutating func combine(_ record: (K, V), _ hashPartitions: HashRemainder?, _ partition: (K) throws -> Int,
                                  _ create: (V) throws -> C, _ merge: (inout C, V) throws -> Void, _ records: inout Int) throws {
        let hash = record.0.stableHash
        let r = try hashPartitions.map { Int(truncatingIfNeeded: $0.of(hash)) } ?? partition(record.0)
        try combiner!.add(record.0, hash: hash, reducer: r, record.1, create: create, merge: merge)
        records += 1
        if records & 1023 == 0, let sample = combiner!.sample { try checkMemory(sample: sample) }
    }

    /// Moves reducer `r`'s records out (its combined keys, or its bucket as is).
    private mutating func takeBucket(_ r: Int) -> [(K, C)] {
        if combiner != nil { return combiner!.takeBucket(r) }
        defer { buckets[r] = [] }
        return buckets[r]
    }

    private mutating func checkMemory(sample: (K, C)) throws {
        if !memory.fits(entries: entries, sample: sample, codec: dependency.codec) { try spill() }
        combiner?.heapBytesPerRecord = memory.bytesPerRecord - MemoryLayout<(K, C)>.stride
    }

    private mutating func spill() throws {
        try combiner?.flushAll()
        let path = task.environment.scratch.newFile("shuffle-\(dependency.shuffleId)-map-\(task.partition)")
        if files.isEmpty { task.onCompletion { [files] in files.removeUnlessHandedOver() } }
        files.add(path)
        var writer = try RunFileWriter(path: path, codec: dependency.codec)
        for r in 0..<reducers {
            var bucket = takeBucket(r)
            dependency.keyOrdering?.sort(&bucket)
            try writer.append(contentsOf: bucket)
            let segment = try writer.endSegment()
            bytesPerReducer[r] += segment.count
            segments[r].append(RunSegment(path: path, range: segment))
        }
        try writer.close()
        task.metrics.spilledBytes += writer.written
        task.metrics.spillCount += 1
        bucketed = 0
        memory.releaseAll()
    }
}

/// The spill files of a map task: deleted when the task ends, unless its
/// output took them over (the shuffle manager deletes them with the shuffle).
/// A task that fails or is cancelled after spilling thus leaves no files behind.
private final class SpillFiles {
    private var paths: [String] = []
    private var handedOver = false

    /// True before the first spill.
    var isEmpty: Bool { paths.isEmpty }

    func add(_ path: String) { paths.append(path) }

    /// The files' paths, for the output, which holds them from here on.
    func handOver() -> [String] {
        handedOver = true
        return paths
    }

    func removeUnlessHandedOver() {
        guard !handedOver else { return }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        paths = []
    }
}
