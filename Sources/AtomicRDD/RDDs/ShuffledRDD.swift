/// The reduce side of a shuffle: each partition reads its buckets from every
/// map task, then merges combiners of equal keys (when the shuffle aggregates),
/// sorts by key (for `sortByKey`), or just concatenates.
final class ShuffledRDD<K: ShuffleKey, V: Sendable, C: Sendable>: RDD<(K, C)>, @unchecked Sendable {
    let dependency: ShuffleDependency<K, V, C>
    private let ordering: (@Sendable (K, K) -> Bool)?
    /// The reduce side's record loop, made here where the element types are
    /// concrete so it can be specialized (see `ShuffleDependency.writeMap`).
    private let reduce: @Sendable (ShuffleDependency<K, V, C>, (@Sendable (K, K) -> Bool)?, Records<(K, C)>, TaskContext) -> Records<(K, C)>

    init(dependency: ShuffleDependency<K, V, C>, operatorName: String, ordering: (@Sendable (K, K) -> Bool)? = nil) {
        self.dependency = dependency
        self.ordering = ordering
        self.reduce = { dependency, ordering, input, task in Self.reduced(dependency, ordering, input, task) }
        super.init(context: dependency.rdd.context, partitionCount: dependency.reduceCount,
                   dependencies: [dependency], operatorName: operatorName, partitioner: dependency.partitioner)
        setCodec(dependency.codec)
    }

    deinit { context.releaseShuffle(dependency.shuffleId) }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<(K, C)> {
        reduce(dependency, ordering, try await dependency.fetch(split, task), task)
    }

    private static func reduced(_ dependency: ShuffleDependency<K, V, C>, _ ordering: (@Sendable (K, K) -> Bool)?,
                                _ input: Records<(K, C)>, _ task: TaskContext) -> Records<(K, C)> {
        var input = input
        let codec = dependency.codec
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
