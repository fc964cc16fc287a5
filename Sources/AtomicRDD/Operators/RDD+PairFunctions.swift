import AtomicTransport

// Transformations of key-value RDDs: per-key aggregation, value mapping and
// repartitioning by key. Joins are in RDD+Joins.swift, sorting by key in
// RDD+PairSorting.swift, actions in RDD+PairActions.swift.

// MARK: - Aggregation by key

extension RDD {
    /// Combines the values of each key with an `Aggregator`, across a shuffle
    /// into `partitioner`'s partitions (by default, as for every aggregation by
    /// key: this RDD's partitioner if it has one, else a hash partitioner with
    /// as many partitions as this RDD). Values are combined in the map tasks first, so each
    /// map task sends one combiner per key and reducer; only combiners cross the
    /// shuffle. Every aggregation by key below works this way, and none shuffles
    /// an RDD already partitioned by an equivalent partitioner: it combines each
    /// partition where it is.
    ///
    /// - Complexity: one shuffle at most; spills to disk when the memory budget is short.
    public func combineByKey<K: ShuffleKey, V: Sendable, C: WireCodable & Sendable>(
        _ aggregator: Aggregator<V, C>, partitioner: HashPartitioner? = nil, name: String = "combineByKey"
    ) -> RDD<(K, C)> where Element == (K, V) {
        combineByKey(aggregator, placement: partitioner.map { .hash($0) } ?? .default(for: [self], numPartitions: nil), name: name)
    }

    /// ``combineByKey(_:partitioner:name:)`` into the partitions of a partitioner
    /// of keys of type `K` (a ``RangePartitioner`` or one of your own).
    public func combineByKey<K: ShuffleKey, V: Sendable, C: WireCodable & Sendable>(
        _ aggregator: Aggregator<V, C>, partitioner: some KeyPartitioner<K>, name: String = "combineByKey"
    ) -> RDD<(K, C)> where Element == (K, V) {
        combineByKey(aggregator, placement: .keyed(partitioner), name: name)
    }

    /// Combines the values of each key with three functions, as Spark's `combineByKey`:
    /// `createCombiner` turns a key's first value (in a map task) into a combiner,
    /// `mergeValue` adds a later value to it, and `mergeCombiners` merges the
    /// combiners of different map tasks on the reduce side.
    ///
    /// ```swift
    /// // (sum, count) per key, for averages
    /// let sums = scores.combineByKey(createCombiner: { WirePair($0, 1) },
    ///                                mergeValue: { WirePair($0.key + $1, $0.value + 1) },
    ///                                mergeCombiners: { WirePair($0.key + $1.key, $0.value + $1.value) })
    /// ```
    ///
    /// - Complexity: one shuffle at most; spills to disk when the memory budget is short.
    public func combineByKey<K: ShuffleKey, V: Sendable, C: WireCodable & Sendable>(
        createCombiner: @escaping @Sendable (V) throws -> C,
        mergeValue: @escaping @Sendable (C, V) throws -> C,
        mergeCombiners: @escaping @Sendable (C, C) throws -> C,
        numPartitions: Int? = nil
    ) -> RDD<(K, C)> where Element == (K, V) {
        let aggregator = Aggregator<V, C>(createCombiner: createCombiner, combineValue: mergeValue,
                                          combineCombiners: mergeCombiners)
        return combineByKey(aggregator, placement: .default(for: [self], numPartitions: numPartitions), name: "combineByKey")
            .markedAsRunningClosure()
    }

    /// Merges the values of each key with an associative, commutative function,
    /// into `numPartitions` hash partitions (default: this RDD's partitioner if
    /// it has one, else the default parallelism).
    ///
    /// ```swift
    /// let counts = words.map { ($0, 1) }.reduceByKey(+)
    /// ```
    ///
    /// - Complexity: one shuffle at most, with map-side combining.
    public func reduceByKey<K: ShuffleKey, V: WireCodable & Sendable>(
        numPartitions: Int? = nil, _ combine: @escaping @Sendable (V, V) throws -> V
    ) -> RDD<(K, V)> where Element == (K, V) {
        combineByKey(.reducing(combine), placement: .default(for: [self], numPartitions: numPartitions), name: "reduceByKey")
            .markedAsRunningClosure()
    }

    /// ``reduceByKey(numPartitions:_:)`` into the partitions of `partitioner`.
    public func reduceByKey<K: ShuffleKey, V: WireCodable & Sendable>(
        partitioner: HashPartitioner, _ combine: @escaping @Sendable (V, V) throws -> V
    ) -> RDD<(K, V)> where Element == (K, V) {
        combineByKey(.reducing(combine), placement: .hash(partitioner), name: "reduceByKey").markedAsRunningClosure()
    }

    /// ``reduceByKey(numPartitions:_:)`` into the partitions of a partitioner of keys of type `K`.
    public func reduceByKey<K: ShuffleKey, V: WireCodable & Sendable>(
        partitioner: some KeyPartitioner<K>, _ combine: @escaping @Sendable (V, V) throws -> V
    ) -> RDD<(K, V)> where Element == (K, V) {
        combineByKey(.reducing(combine), placement: .keyed(partitioner), name: "reduceByKey").markedAsRunningClosure()
    }

    /// Merges the values of each key with `combine`, starting from `zero` once per
    /// key in each map task (so `zero` should be neutral: 0 for `+`, 1 for `*`).
    public func foldByKey<K: ShuffleKey, V: WireCodable & Sendable>(
        zero: V, numPartitions: Int? = nil, _ combine: @escaping @Sendable (V, V) throws -> V
    ) -> RDD<(K, V)> where Element == (K, V) {
        let aggregator = Aggregator<V, V>(createCombiner: { try combine(zero, $0) }, combineValue: combine,
                                          combineCombiners: combine)
        return combineByKey(aggregator, placement: .default(for: [self], numPartitions: numPartitions), name: "foldByKey")
            .markedAsRunningClosure()
    }

    /// Aggregates the values of each key into a value of another type: in each map
    /// task, `seqOp` folds a key's values into a copy of `zero`; on the reduce
    /// side, `combOp` merges the results of different map tasks.
    ///
    /// ```swift
    /// // the distinct values of each key
    /// let distinct = pairs.aggregateByKey(zero: Set<Int>(), seqOp: { $0.union([$1]) }, combOp: { $0.union($1) })
    /// ```
    public func aggregateByKey<K: ShuffleKey, V: Sendable, U: WireCodable & Sendable>(
        zero: U, numPartitions: Int? = nil,
        seqOp: @escaping @Sendable (U, V) throws -> U, combOp: @escaping @Sendable (U, U) throws -> U
    ) -> RDD<(K, U)> where Element == (K, V) {
        let aggregator = Aggregator<V, U>(createCombiner: { try seqOp(zero, $0) }, combineValue: seqOp,
                                          combineCombiners: combOp)
        return combineByKey(aggregator, placement: .default(for: [self], numPartitions: numPartitions), name: "aggregateByKey")
            .markedAsRunningClosure()
    }

    /// Groups the values of each key into an array, into `numPartitions` hash
    /// partitions. The order of a key's values is not specified.
    ///
    /// To aggregate, prefer ``reduceByKey(numPartitions:_:)`` or
    /// ``aggregateByKey(zero:numPartitions:seqOp:combOp:)``: they send one value
    /// per key and map task instead of every value.
    public func groupByKey<K: ShuffleKey, V: WireCodable & Sendable>(numPartitions: Int? = nil) -> RDD<(K, [V])> where Element == (K, V) {
        context.recording("groupByKey", types: [K.self, V.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self]) {
            combineByKey(Self.grouping(V.self), placement: .default(for: [self], numPartitions: numPartitions), name: "groupByKey")
        }
    }

    /// ``groupByKey(numPartitions:)`` into the partitions of `partitioner`.
    public func groupByKey<K: ShuffleKey, V: WireCodable & Sendable>(partitioner: HashPartitioner) -> RDD<(K, [V])> where Element == (K, V) {
        context.recording("groupByKeyInto", placement: ShippedPlacement(partitioner), types: [K.self, V.self], parents: [self]) {
            combineByKey(Self.grouping(V.self), placement: .hash(partitioner), name: "groupByKey")
        }
    }

    /// ``groupByKey(numPartitions:)`` into the partitions of a partitioner of keys of type `K`.
    public func groupByKey<K: ShuffleKey, V: WireCodable & Sendable>(partitioner: some KeyPartitioner<K>) -> RDD<(K, [V])> where Element == (K, V) {
        context.recording("groupByKeyInto", placement: ShippedPlacement(partitioner), types: [K.self, V.self], parents: [self]) {
            combineByKey(Self.grouping(V.self), placement: .keyed(partitioner), name: "groupByKey")
        }
    }

    /// The aggregation by key behind every public form. When this RDD is already
    /// partitioned as `placement` would place its keys, each partition is
    /// aggregated where it is, with no shuffle (as Spark does).
    func combineByKey<K: ShuffleKey, V: Sendable, C: WireCodable & Sendable>(
        _ aggregator: Aggregator<V, C>, placement: KeyPlacement<K>, name: String
    ) -> RDD<(K, C)> where Element == (K, V) {
        if placement.isMatched(by: partitioner) { return combinedInPlace(aggregator, name: name) }
        let dependency = ShuffleDependency<K, V, C>(
            rdd: self, partitioner: placement.partitioner, partition: placement.partition,
            aggregator: aggregator, passValue: { _ in preconditionFailure("Internal inconsistency: aggregating shuffle passed a value") },
            codec: .pair(K.self, C.self))
        return ShuffledRDD(dependency: dependency, operatorName: name)
    }

    private func combinedInPlace<K: ShuffleKey, V: Sendable, C: WireCodable & Sendable>(
        _ aggregator: Aggregator<V, C>, name: String
    ) -> RDD<(K, C)> where Element == (K, V) {
        let codec = RecordCodec<(K, C)>.pair(K.self, C.self)
        let combined = MapPartitionsRDD<(K, V), (K, C)>(parent: self, operatorName: name, runsUserClosure: false,
                                                         preservesPartitioning: true) { task, _, input in
            var input = input
            var merged: Records<(K, C)>?
            let memory = task.environment.memory, scratch = task.environment.scratch
            return Records {
                if merged == nil {
                    var map = ExternalMap<K, C>(merge: aggregator.mergeCombiners, codec: codec,
                                                budget: memory, scratch: scratch, task: task)
                    try input.forEach { record in
                        try map.insert(record.0, value: record.1, createCombiner: aggregator.createCombiner,
                                       mergeValue: aggregator.mergeValue)
                    }
                    merged = try map.drain()
                }
                return try merged!.next()
            }
        }
        combined.setCodec(codec)
        return combined
    }

    private static func grouping<V>(_: V.Type) -> Aggregator<V, [V]> {
        Aggregator(createCombiner: { [$0] }, mergeValue: { $0.append($1) }, mergeCombiners: { $0.append(contentsOf: $1) })
    }

    /// Marks this RDD as running a caller's closure (a shuffle whose aggregator
    /// calls the caller's functions), so it runs in-process only.
    func markedAsRunningClosure() -> Self {
        state.withLock { $0.runsUserClosure = true }
        return self
    }
}

// MARK: - Values and keys

extension RDD {
    /// Applies `transform` to the value of every pair, keeping its key. The
    /// result keeps this RDD's partitioner: keys do not move.
    public func mapValues<K: Sendable, V: Sendable, U: Sendable>(
        _ transform: @escaping @Sendable (V) throws -> U
    ) -> RDD<(K, U)> where Element == (K, V) {
        MapPartitionsRDD(parent: self, operatorName: "mapValues", runsUserClosure: true,
                         preservesPartitioning: true) { _, _, input in
            input.mapped { record in (record.0, try transform(record.1)) }
        }
    }

    /// Applies `transform` to the value of every pair and pairs the key with each
    /// element of the sequence it returns. The result keeps this RDD's partitioner.
    public func flatMapValues<K: Sendable, V: Sendable, S: Sequence>(
        _ transform: @escaping @Sendable (V) throws -> S
    ) -> RDD<(K, S.Element)> where Element == (K, V), S.Element: Sendable, S.Iterator: SendableMetatype {
        MapPartitionsRDD(parent: self, operatorName: "flatMapValues", runsUserClosure: true,
                         preservesPartitioning: true) { _, _, input in
            var input = input
            var key: K?
            var current: S.Iterator?
            return Records {
                while true {
                    if let key, let element = current?.next() { return (key, element) }
                    guard let (nextKey, value) = try input.next() else { return nil }
                    key = nextKey
                    current = try transform(value).makeIterator()
                }
            }
        }
    }

    /// The key of every pair.
    public func keys<K: Sendable, V: Sendable>() -> RDD<K> where Element == (K, V) {
        context.recording("keys", types: [K.self, V.self], parents: [self]) {
            MapPartitionsRDD(parent: self, operatorName: "keys", runsUserClosure: false) { _, _, input in
                input.mapped { $0.0 }
            }
        }
    }

    /// The value of every pair.
    public func values<K: Sendable, V: Sendable>() -> RDD<V> where Element == (K, V) {
        context.recording("values", types: [K.self, V.self], parents: [self]) {
            MapPartitionsRDD(parent: self, operatorName: "values", runsUserClosure: false) { _, _, input in
                input.mapped { $0.1 }
            }
        }
    }
}

// MARK: - Partitioning by key

extension RDD {
    /// Moves every pair to the partition `partitioner` gives its key. Returns
    /// this RDD itself, with no shuffle, when it is already partitioned by an
    /// equivalent partitioner.
    ///
    /// Two RDDs partitioned alike join with no shuffle:
    /// ```swift
    /// let byUser = HashPartitioner(partitions: 8)
    /// let visits = rawVisits.partitionBy(byUser).persist()
    /// let joined = visits.join(profiles.partitionBy(byUser))   // narrow on both sides
    /// ```
    public func partitionBy<K: ShuffleKey, V: WireCodable & Sendable>(_ partitioner: HashPartitioner) -> RDD<(K, V)> where Element == (K, V) {
        partitionBy(placement: .hash(partitioner), shipped: ShippedPlacement(partitioner))
    }

    /// ``partitionBy(_:)`` with a partitioner of keys of type `K`.
    public func partitionBy<K: ShuffleKey, V: WireCodable & Sendable>(_ partitioner: some KeyPartitioner<K>) -> RDD<(K, V)> where Element == (K, V) {
        partitionBy(placement: .keyed(partitioner), shipped: ShippedPlacement(partitioner))
    }

    private func partitionBy<K: ShuffleKey, V: WireCodable & Sendable>(
        placement: KeyPlacement<K>, shipped: ShippedPlacement?
    ) -> RDD<(K, V)> where Element == (K, V) {
        // Checked before recording: a recipe must not be attached to this RDD itself.
        if placement.isMatched(by: partitioner) { return self }
        return context.recording("partitionBy", placement: shipped, types: [K.self, V.self], parents: [self]) {
            shuffled(placement: placement, name: "partitionBy")
        }
    }

    /// This RDD's pairs moved by key into `placement`'s partitions, with no
    /// combining, in key order within each partition when `ordering` is given.
    func shuffled<K: ShuffleKey, V: WireCodable & Sendable>(
        placement: KeyPlacement<K>, name: String, ordering: KeyOrdering<K, V>? = nil
    ) -> RDD<(K, V)> where Element == (K, V) {
        let dependency = ShuffleDependency<K, V, V>(
            rdd: self, partitioner: placement.partitioner, partition: placement.partition,
            aggregator: nil, passValue: { $0 }, codec: .pair(K.self, V.self), keyOrdering: ordering)
        return ShuffledRDD(dependency: dependency, operatorName: name)
    }
}

// MARK: - Registered functions

extension RDD {
    /// ``mapValues(_:)`` with a registered function, so the job can run on a cluster.
    public func mapValues<K: Sendable, V: Sendable, F: MapFunction>(_ function: F) -> RDD<(K, F.Output)>
    where Element == (K, V), F.Input == V {
        context.recording("mapValues", function: function.descriptor, types: [K.self], parents: [self]) {
            mapValues { try function($0) }.registered(function).withPairCodec()
        }
    }

    /// ``flatMapValues(_:)`` with a registered function.
    public func flatMapValues<K: Sendable, V: Sendable, F: FlatMapFunction>(_ function: F) -> RDD<(K, F.Output.Element)>
    where Element == (K, V), F.Input == V, F.Output.Iterator: SendableMetatype {
        context.recording("flatMapValues", function: function.descriptor, types: [K.self], parents: [self]) {
            flatMapValues { try function($0) }.registered(function).withPairCodec()
        }
    }

    /// ``reduceByKey(numPartitions:_:)`` with a registered function.
    public func reduceByKey<K: ShuffleKey, F: ReduceFunction>(numPartitions: Int? = nil, _ function: F) -> RDD<(K, F.Value)>
    where Element == (K, F.Value), F.Value: WireCodable {
        context.recording("reduceByKey", function: function.descriptor, types: [K.self, F.Value.self],
                          arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) }, parents: [self]) {
            reduceByKey(numPartitions: numPartitions) { try function($0, $1) }.registered(function)
        }
    }

    /// ``foldByKey(zero:numPartitions:_:)`` with a registered function.
    public func foldByKey<K: ShuffleKey, F: ReduceFunction>(zero: F.Value, numPartitions: Int? = nil, _ function: F) -> RDD<(K, F.Value)>
    where Element == (K, F.Value), F.Value: WireCodable {
        let arguments = WireWriter.bytes { $0.write(numPartitions ?? -1); $0.write(zero) }
        return context.recording("foldByKey", function: function.descriptor, types: [K.self, F.Value.self], arguments: arguments,
                                 parents: [self]) {
            foldByKey(zero: zero, numPartitions: numPartitions) { try function($0, $1) }.registered(function)
        }
    }
}
