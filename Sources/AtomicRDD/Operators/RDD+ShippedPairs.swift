import AtomicTransport

// Pair operations in the forms a multi-process cluster can run: registered
// reductions into a given partitioner, and the steps behind the pair actions
// (`countByKey`, `collectAsMap`, `lookup`) and the registered `sortBy`, each
// recorded so that a worker rebuilds it (see OperatorCatalog+Pairs.swift).

extension RDD {
    /// ``reduceByKey(partitioner:_:)`` with a registered function.
    public func reduceByKey<K: ShuffleKey, F: ReduceFunction>(partitioner: HashPartitioner, _ function: F) -> RDD<(K, F.Value)>
    where Element == (K, F.Value), F.Value: WireCodable {
        context.recording("reduceByKeyInto", placement: ShippedPlacement(partitioner), function: function.descriptor,
                          types: [K.self, F.Value.self], parents: [self]) {
            reduceByKey(partitioner: partitioner) { try function($0, $1) }.registered(function)
        }
    }

    /// ``reduceByKey(partitioner:_:)`` with a registered function, into the
    /// partitions of a partitioner of keys of type `K` (a
    /// ``PartitionerFunction`` for the job to run on a multi-process cluster).
    public func reduceByKey<K: ShuffleKey, F: ReduceFunction>(partitioner: some KeyPartitioner<K>, _ function: F) -> RDD<(K, F.Value)>
    where Element == (K, F.Value), F.Value: WireCodable {
        context.recording("reduceByKeyInto", placement: ShippedPlacement(partitioner), function: function.descriptor,
                          types: [K.self, F.Value.self], parents: [self]) {
            reduceByKey(partitioner: partitioner) { try function($0, $1) }.registered(function)
        }
    }

    /// This RDD with the wire codec of its pairs when its keys and values are
    /// ``WireCodable`` (found at run time), so its elements can travel.
    func withPairCodec<K, V>() -> Self where Element == (K, V) {
        if codec.withLock({ $0 == nil }), let pairs = RecordCodec<(K, V)>.pairIfCodable(K.self, V.self) { setCodec(pairs) }
        return self
    }

    /// The pairs as they are, with the codec that carries them to the driver:
    /// what `collectAsMap` collects.
    func shippedPairs<K: Sendable, V: Sendable>() -> RDD<(K, V)> where Element == (K, V) {
        context.recording("shippedPairs", types: [K.self, V.self], parents: [self]) {
            MapPartitionsRDD<(K, V), (K, V)>(parent: self, operatorName: "pairs", runsUserClosure: false,
                                             preservesPartitioning: true) { _, _, input in input }.withPairCodec()
        }
    }

    /// Each partition's count of pairs per key, one pair per key: what
    /// `countByKey` collects. Ships when the keys are ``WireCodable``.
    func keyCounts<K: Hashable & Sendable, V: Sendable>() -> RDD<(K, Int)> where Element == (K, V) {
        let build = {
            MapPartitionsRDD<(K, V), (K, Int)>(parent: self, operatorName: "countByKey", runsUserClosure: false) { _, _, input in
                var input = input
                var counted: Dictionary<K, Int>.Iterator?
                return Records {
                    if counted == nil {
                        var counts: [K: Int] = [:]
                        while let (key, _) = try input.next() { counts[key, default: 0] += 1 }
                        counted = counts.makeIterator()
                    }
                    return counted?.next().map { ($0.key, $0.value) }
                }
            }.withPairCodec()
        }
        guard K.self is any WireCodable.Type else { return build() }
        return context.recording("keyCounts", types: [K.self, V.self], parents: [self], build)
    }

    /// The values of `key`: what `lookup` collects. Ships when the keys are ``WireCodable``.
    func values<K: Hashable & Sendable, V: Sendable>(of key: K) -> RDD<V> where Element == (K, V) {
        let build = {
            MapPartitionsRDD<(K, V), V>(parent: self, operatorName: "lookup", runsUserClosure: false) { _, _, input in
                var input = input
                return Records {
                    while let (k, v) = try input.next() {
                        if k == key { return v }
                    }
                    return nil
                }
            }
        }
        guard let codable = key as? any WireCodable else { return build() }
        return context.recording("valuesOfKey", types: [K.self, V.self], arguments: codable.wireBytes(), parents: [self], build)
    }
}

extension RDD {
    /// The pairs placed by `partitioner`'s key ranges, each partition sorted by
    /// key: the shuffle of the registered `sortBy`, once its bounds are sampled.
    func rangeSorted<K: ShuffleKey & Comparable, V: WireCodable & Sendable>(
        _ partitioner: RangePartitioner<K>, ascending: Bool
    ) -> RDD<(K, V)> where Element == (K, V) {
        let arguments = WireWriter.bytes {
            $0.write(ascending)
            $0.write(partitioner.descending)
            $0.write(partitioner.bounds)
        }
        return context.recording("rangeSorted", types: [K.self, V.self], arguments: arguments, parents: [self]) {
            let dependency = ShuffleDependency<K, V, V>(
                rdd: self, partitioner: partitioner, partition: { partitioner.partition(of: $0) },
                aggregator: nil, passValue: { $0 }, codec: .pair(K.self, V.self),
                keyOrdering: .comparing(ascending: ascending))
            return ShuffledRDD(dependency: dependency, operatorName: "sortBy")
        }
    }
}
