/// The reduce side of a shuffle: each partition reads its buckets from every
/// map task, then merges combiners of equal keys (when the shuffle aggregates),
/// sorts by key (for `sortByKey`), or just concatenates.
final class ShuffledRDD<K: ShuffleKey, V: Sendable, C: Sendable>: RDD<(K, C)>, @unchecked Sendable {
    let dependency: ShuffleDependency<K, V, C>
    private let ordering: (@Sendable (K, K) -> Bool)?

    init(dependency: ShuffleDependency<K, V, C>, operatorName: String, ordering: (@Sendable (K, K) -> Bool)? = nil) {
        self.dependency = dependency
        self.ordering = ordering
        super.init(context: dependency.rdd.context, partitionCount: dependency.reduceCount,
                   dependencies: [dependency], operatorName: operatorName, partitioner: dependency.partitioner)
        setCodec(dependency.codec)
    }

    deinit { context.releaseShuffle(dependency.shuffleId) }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<(K, C)> {
        let blocks = try await task.environment.shuffleManager.fetch(
            shuffleId: dependency.shuffleId, mapCount: dependency.mapCount, reduce: split)
        let codec = dependency.codec
        var sources = blocks.makeIterator()
        var current: Records<(K, C)> = .empty
        var input = Records<(K, C)> {
            while true {
                if let record = try current.next() { return record }
                guard let block = sources.next() else { return nil }
                switch block {
                case .memory(let values): current = Records(values as! [(K, C)])
                case .disk(let segment): current = try RunFileReader.records(segment, codec: codec)
                }
            }
        }
        if let aggregator = dependency.aggregator {
            var merged: Records<(K, C)>?
            let memory = task.environment.memory, scratch = task.environment.scratch
            return Records {
                if merged == nil {
                    var map = ExternalMap<K, C>(merge: aggregator.mergeCombiners, codec: codec,
                                                budget: memory, scratch: scratch, task: task)
                    while let (key, combiner) = try input.next() { try map.insert(key, combiner) }
                    merged = try map.drain()
                }
                return try merged!.next()
            }
        }
        if let ordering {
            var sorted: Records<(K, C)>?
            let memory = task.environment.memory, scratch = task.environment.scratch
            return Records {
                if sorted == nil {
                    var sorter = ExternalSorter<K, C>(areInIncreasingOrder: ordering, codec: codec,
                                                      budget: memory, scratch: scratch, task: task)
                    while let record = try input.next() { try sorter.insert(record) }
                    sorted = try sorter.drain()
                }
                return try sorted!.next()
            }
        }
        return input
    }
}
