/// The reduce side of a shuffle: each partition reads its buckets from every
/// map task, then merges combiners of equal keys (when the shuffle aggregates),
/// merges the buckets sorted by key on the map side (for `sortByKey`), or just
/// concatenates.
final class ShuffledRDD<K: ShuffleKey, V: Sendable, C: Sendable>: RDD<(K, C)>, @unchecked Sendable {
    let dependency: ShuffleDependency<K, V, C>
    /// The reduce side's record loop, made here where the element types are
    /// concrete so it can be specialized (see `ShuffleDependency.writeMap`);
    /// `compute`, a class override, only fetches the blocks.
    private let reduce: @Sendable (ShuffleDependency<K, V, C>, [ShuffleBlock], TaskContext) throws -> Records<(K, C)>

    init(dependency: ShuffleDependency<K, V, C>, operatorName: String) {
        self.dependency = dependency
        self.reduce = { dependency, blocks, task in try Self.reduced(dependency, blocks, task) }
        super.init(context: dependency.rdd.context, partitionCount: dependency.reduceCount,
                   dependencies: [dependency], operatorName: operatorName, partitioner: dependency.partitioner)
        setCodec(dependency.codec)
    }

    deinit { context.releaseShuffle(dependency.shuffleId) }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<(K, C)> {
        try reduce(dependency, try await dependency.fetchBlocks(split, task), task)
    }

    private static func reduced(_ dependency: ShuffleDependency<K, V, C>, _ blocks: [ShuffleBlock],
                                _ task: TaskContext) throws -> Records<(K, C)> {
        if let aggregator = dependency.aggregator {
            var input = dependency.concatenated(blocks)
            var merged: Records<(K, C)>?
            let codec = dependency.codec, memory = task.environment.memory, scratch = task.environment.scratch
            return Records {
                if merged == nil {
                    var map = ExternalMap<K, C>(merge: aggregator.mergeCombiners, codec: codec,
                                                budget: memory, scratch: scratch, task: task)
                    try map.insertAll(&input)
                    merged = try map.drain()
                }
                return try merged!.next()
            }
        }
        if let ordering = dependency.keyOrdering {
            // Every block was sorted on the map side: merging them needs no
            // memory beyond one batch per spilled block. (Opening a spill file
            // reads nothing yet.) Blocks all in memory are merged in place.
            if let mergeRuns = ordering.mergeRuns, let runs = try memoryRuns(blocks, dependency.codec) { return mergeRuns(runs) }
            return ordering.merge(try blocks.map { try dependency.records(of: $0) })
        }
        return dependency.concatenated(blocks)
    }

    /// The records of `blocks` when every one is in memory (fetched ones
    /// decoded with `codec`); nil when one is on disk.
    ///
    /// - Throws: ``WireError`` when a fetched block is malformed.
    private static func memoryRuns(_ blocks: [ShuffleBlock], _ codec: RecordCodec<(K, C)>) throws -> [[(K, C)]]? {
        guard !blocks.contains(where: { if case .disk = $0 { true } else { false } }) else { return nil }
        var runs: [[(K, C)]] = []
        runs.reserveCapacity(blocks.count)
        for block in blocks {
            switch block {
            case .memory(let values): runs.append(values as! [(K, C)])
            case .encoded(let bytes, let range): runs.append(try codec.decodeAll(bytes, range: range))
            case .disk: return nil
            }
        }
        return runs
    }
}
