/// A shuffle of key-value records: map tasks of the parent write one bucket per
/// reduce partition (combining values of a key first when an ``Aggregator`` is
/// given), and ``ShuffledRDD`` reads the buckets back.
final class ShuffleDependency<K: ShuffleKey, V: Sendable, C: Sendable>: ShuffleDependencyBase, @unchecked Sendable {
    let rdd: RDD<(K, V)>
    /// The reduce partition of a key; throws when a custom partitioner gives one out of range.
    let partition: @Sendable (K) throws -> Int
    let aggregator: Aggregator<V, C>?
    /// Turns a value into what the buckets hold when there is no aggregator (then V == C).
    let passValue: @Sendable (V) -> C
    let codec: RecordCodec<(K, C)>
    /// When set, every bucket is sorted by key before it is kept or spilled,
    /// and the reduce side merges the sorted buckets (`sortByKey`).
    let keyOrdering: KeyOrdering<K, C>?
    /// The map task's record loop. It is made here, where the caller's element
    /// types are concrete, so the optimizer can specialize it; `runMapTask`
    /// (a class override) could only run the generic version, which pays for
    /// metadata lookups on every record.
    private let writeMap: @Sendable (ShuffleDependency, inout Records<(K, V)>, TaskContext) throws -> (MapOutput, MapStatus)
    /// On a cluster: encodes a map output's buckets for other workers; made
    /// here for the same reason.
    private let makeBucketEncoder: @Sendable (MapOutput) -> @Sendable (Int) throws -> EncodedBucket

    init(rdd: RDD<(K, V)>, partitioner: any Partitioner, partition: @escaping @Sendable (K) throws -> Int,
         aggregator: Aggregator<V, C>?, passValue: @escaping @Sendable (V) -> C, codec: RecordCodec<(K, C)>,
         keyOrdering: KeyOrdering<K, C>? = nil) {
        self.rdd = rdd
        self.partition = partition
        self.aggregator = aggregator
        self.passValue = passValue
        self.codec = codec
        self.keyOrdering = keyOrdering
        self.writeMap = { dependency, input, task in
            var writer = ShuffleWriter(dependency: dependency, task: task)
            return try writer.write(&input)
        }
        self.makeBucketEncoder = { output in Self.bucketEncoder(output, codec: codec) }
        super.init(parent: rdd, shuffleId: rdd.context.nextShuffleId(), partitioner: partitioner)
    }

    override func runMapTask(_ split: Int, _ task: TaskContext) async throws -> MapStatus {
        let records = Handoff(value: try await rdd.iterator(split, task))
        let environment = task.environment
        var (output, status) = try await environment.threads.run(task) { [self] in
            var input = records.value
            return try writeMap(self, &input, task)
        }
        if task.shuffleSource != nil { output.encodeBucket = makeBucketEncoder(output) }
        if output.memoryBytes > 0 {
            // The scratch space and the id only: the mover lives as long as the
            // output, which must keep neither its executor nor this lineage alive.
            let scratch = environment.scratch, prefix = "shuffle-\(shuffleId)-map-\(split)-moved"
            output.moveToDisk = Self.mover(output, codec: codec, makeEncoder: makeBucketEncoder,
                                           path: { scratch.newFile(prefix) })
        }
        await environment.shuffleManager.register(shuffleId: shuffleId, mapIndex: split, output: output)
        return status
    }
}
