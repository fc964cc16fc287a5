import AtomicTransport

extension RDD {
    /// At most `numPartitions` partitions, without a shuffle: each new partition
    /// reads a run of adjacent partitions of this RDD in the same task.
    ///
    /// Cannot raise the partition count (asking for more keeps the current
    /// count); use ``repartition(_:)`` for that, or to rebalance skewed
    /// partitions. Coalescing to very few partitions also makes the stages
    /// before it (up to the last shuffle) run in that few tasks.
    ///
    /// ```swift
    /// let fewer = manySmallFiles.coalesce(8)
    /// ```
    public func coalesce(_ numPartitions: Int) -> RDD<Element> {
        context.recording("coalesce", types: [Element.self], arguments: WireWriter.bytes { $0.write(numPartitions) }, parents: [self]) {
            let coalesced = CoalescedRDD(parent: self, partitions: numPartitions)
            // The parent's codec, so the elements can still travel (and spill).
            if let codec = shippingCodec { coalesced.setCodec(codec) }
            return coalesced
        }
    }
}

extension RDD where Element: WireCodable {
    /// ``coalesce(_:)`` when `shuffle` is false; with `shuffle`, a shuffle into
    /// exactly `numPartitions` partitions of about equal size (``repartition(_:)``).
    public func coalesce(_ numPartitions: Int, shuffle: Bool) -> RDD<Element> {
        guard shuffle else { return coalesce(numPartitions) }
        return context.recording("repartition", types: [Element.self], arguments: WireWriter.bytes { $0.write(numPartitions) },
                                 parents: [self]) { dealt(into: numPartitions) }
    }

    /// The shuffle of ``coalesce(_:shuffle:)``: elements dealt round-robin into `numPartitions` partitions.
    private func dealt(into numPartitions: Int) -> RDD<Element> {
        let count = Swift.max(1, numPartitions)
        // Each map task deals its elements round-robin from its own starting
        // partition, so small partitions do not all land in partition 0. The
        // start depends only on the partition index: a rerun deals the same way.
        let dealt = MapPartitionsRDD<Element, (Int, Element)>(parent: self, operatorName: "repartition", runsUserClosure: false) { _, split, input in
            var input = input
            var target = Int(StableHash.mix(UInt64(split)) % UInt64(count))
            return Records {
                guard let element = try input.next() else { return nil }
                target = target + 1 == count ? 0 : target + 1
                return (target, element)
            }
        }
        let dependency = ShuffleDependency<Int, Element, Element>(
            rdd: dealt, partitioner: RoundRobinPartitioner(partitions: count), partition: { $0 },
            aggregator: nil, passValue: { $0 }, codec: .pair(Int.self, Element.self))
        let shuffled: RDD<(Int, Element)> = ShuffledRDD(dependency: dependency, operatorName: "repartition")
        return shuffled.droppingKeys(name: "repartition")
    }

    /// Exactly `numPartitions` partitions of about equal size, through a shuffle.
    ///
    /// The order of elements is not kept.
    public func repartition(_ numPartitions: Int) -> RDD<Element> {
        coalesce(numPartitions, shuffle: true)
    }

    /// The elements sorted by the key `key` gives them: partition `i` holds keys
    /// below those of partition `i + 1` (above, when not `ascending`), and each
    /// partition is sorted, so `collect()` returns the sorted list.
    ///
    /// Runs a job at once to sample the keys, from which a ``RangePartitioner``
    /// cuts `numPartitions` ranges (default: as many partitions as this RDD
    /// has); then the sort itself is lazy, like every transformation. Many equal
    /// keys can give fewer partitions than asked for. The order of elements with
    /// equal keys is not defined.
    ///
    /// ```swift
    /// let byAge = try await people.sortBy(ascending: false) { $0.age }
    /// ```
    ///
    /// - Throws: what the sampling job throws (``JobFailedError``…).
    public func sortBy<K: ShuffleKey & Comparable>(ascending: Bool = true, numPartitions: Int? = nil,
                                                  _ key: @escaping @Sendable (Element) throws -> K) async throws -> RDD<Element> {
        try await keyed(by: key, name: "sortBy").sortedByRanges(ascending: ascending, numPartitions: numPartitions ?? partitionCount)
    }

    /// The elements grouped by the key `key` gives them, through a shuffle into
    /// `numPartitions` hash partitions (default: the default parallelism).
    ///
    /// Every element of a group is held in memory at once; to combine values per
    /// key, `reduceByKey` or `combineByKey` ship far less.
    ///
    /// ```swift
    /// let byLength = words.groupBy { $0.count }   // RDD<(Int, [String])>
    /// ```
    public func groupBy<K: ShuffleKey>(numPartitions: Int? = nil,
                                       _ key: @escaping @Sendable (Element) throws -> K) -> RDD<(K, [Element])> {
        keyed(by: key, name: "groupBy").groupedByKey(numPartitions: numPartitions)
    }
}

// MARK: - Registered functions

extension RDD where Element: WireCodable {
    /// ``sortBy(ascending:numPartitions:_:)`` with a registered key function.
    ///
    /// The function is recorded on the step of the lineage that runs it (the
    /// one pairing each element with its key).
    public func sortBy<F: MapFunction>(ascending: Bool = true, numPartitions: Int? = nil,
                                       _ function: F) async throws -> RDD<Element>
    where F.Input == Element, F.Output: ShuffleKey & Comparable {
        // The key step is recorded, so the sampling job and the sort after it ship too.
        let withKeys = context.recording("keyedForSort", function: function.descriptor, types: [Element.self], parents: [self]) {
            keyed(by: { try function($0) }, name: "sortBy").registered(function)
        }
        return try await withKeys.sortedByRanges(ascending: ascending, numPartitions: numPartitions ?? partitionCount)
    }

    /// ``groupBy(numPartitions:_:)`` with a registered key function.
    ///
    /// The function is recorded on the step of the lineage that runs it (the
    /// one pairing each element with its key).
    public func groupBy<F: MapFunction>(numPartitions: Int? = nil, _ function: F) -> RDD<(F.Output, [Element])>
    where F.Input == Element, F.Output: ShuffleKey {
        // The driver's default parallelism, not the worker's.
        let count = numPartitions ?? context.config.defaultParallelism
        return context.recording("groupBy", function: function.descriptor, types: [Element.self, F.Output.self],
                                 arguments: WireWriter.bytes { $0.write(count) }, parents: [self]) {
            keyed(by: { try function($0) }, name: "groupBy").registered(function).groupedByKey(numPartitions: count)
        }
    }
}

// MARK: - Building blocks

extension RDD {
    /// Pairs each element with its key, as `keyBy`, under the name of the operator it serves.
    func keyed<K: Sendable>(by key: @escaping @Sendable (Element) throws -> K, name: String) -> RDD<(K, Element)> {
        MapPartitionsRDD(parent: self, operatorName: name, runsUserClosure: true) { _, _, input in
            input.mapped { (try key($0), $0) }
        }
    }

    /// The values of key-value pairs.
    fileprivate func droppingKeys<K, V>(name: String) -> RDD<V> where Element == (K, V) {
        MapPartitionsRDD(parent: self, operatorName: name, runsUserClosure: false) { _, _, input in
            input.mapped { $0.1 }
        }
    }

    /// Sorts `(key, value)` pairs by key across `numPartitions` ranges and keeps the values.
    ///
    /// The sample follows Spark's `RangePartitioner`: about 20 keys per output
    /// partition (at most a million), drawn three times over evenly from every
    /// partition, each weighing its partition's size over its sample's. The
    /// sampling job and the sort ship to a multi-process cluster when this RDD does.
    fileprivate func sortedByRanges<K: ShuffleKey & Comparable, V: WireCodable & Sendable>(
        ascending: Bool, numPartitions: Int
    ) async throws -> RDD<V> where Element == (K, V) {
        let wanted = Swift.max(1, numPartitions)
        let sampleSize = Swift.min(20 * wanted, 1_000_000)
        let perPartition = (3 * sampleSize + partitionCount - 1) / Swift.max(1, partitionCount)
        var candidates: [(key: K, weight: Double)] = []
        for sketch in try await KeySampleRDD.sketches(of: self, perPartition: perPartition) where !sketch.sample.isEmpty {
            let weight = Double(sketch.count) / Double(sketch.sample.count)
            for key in sketch.sample { candidates.append((key, weight)) }
        }
        let partitioner = RangePartitioner<K>.weighted(candidates, partitions: wanted, descending: !ascending)
        return rangeSorted(partitioner, ascending: ascending).values()
    }

    /// Groups the values of each key into an array, through a hash shuffle.
    fileprivate func groupedByKey<K: ShuffleKey, V: WireCodable & Sendable>(numPartitions: Int?) -> RDD<(K, [V])>
    where Element == (K, V) {
        let partitioner = HashPartitioner(partitions: numPartitions ?? context.config.defaultParallelism)
        let aggregator = Aggregator<V, [V]>(createCombiner: { [$0] }, mergeValue: { $0.append($1) },
                                            mergeCombiners: { $0.append(contentsOf: $1) })
        let dependency = ShuffleDependency<K, V, [V]>(
            rdd: self, partitioner: partitioner, partition: { partitioner.partition(of: $0) },
            aggregator: aggregator, passValue: { _ in preconditionFailure("Internal inconsistency: aggregating shuffle passed a value") },
            codec: .pair(K.self, [V].self))
        return ShuffledRDD(dependency: dependency, operatorName: "groupBy")
    }
}
