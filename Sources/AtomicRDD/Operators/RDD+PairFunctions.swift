import AtomicTransport

extension RDD {
    /// Combines the values of each key with an `Aggregator`, across a shuffle
    /// into `partitioner`'s partitions (map-side combine included).
    public func combineByKey<K: ShuffleKey, V: WireCodable & Sendable, C: WireCodable & Sendable>(
        _ aggregator: Aggregator<V, C>, partitioner: HashPartitioner? = nil, name: String = "combineByKey"
    ) -> RDD<(K, C)> where Element == (K, V) {
        let target = partitioner ?? HashPartitioner(partitions: partitionCount)
        let dependency = ShuffleDependency<K, V, C>(
            rdd: self, partitioner: target, partition: { target.partition(of: $0) },
            aggregator: aggregator, passValue: { _ in preconditionFailure("Internal inconsistency: aggregating shuffle passed a value") },
            codec: .pair(K.self, C.self))
        return ShuffledRDD(dependency: dependency, operatorName: name)
    }

    /// Merges the values of each key with an associative, commutative function.
    public func reduceByKey<K: ShuffleKey, V: WireCodable & Sendable>(
        numPartitions: Int? = nil, _ combine: @escaping @Sendable (V, V) -> V
    ) -> RDD<(K, V)> where Element == (K, V) {
        combineByKey(.reducing(combine), partitioner: numPartitions.map { HashPartitioner(partitions: $0) }, name: "reduceByKey")
    }

    /// Groups the values of each key.
    public func groupByKey<K: ShuffleKey, V: WireCodable & Sendable>(numPartitions: Int? = nil) -> RDD<(K, [V])> where Element == (K, V) {
        combineByKey(Aggregator<V, [V]>(createCombiner: { [$0] }, mergeValue: { $0.append($1) },
                                        mergeCombiners: { $0.append(contentsOf: $1) }),
                     partitioner: numPartitions.map { HashPartitioner(partitions: $0) }, name: "groupByKey")
    }
}
