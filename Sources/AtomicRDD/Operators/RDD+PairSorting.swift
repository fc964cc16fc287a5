import AtomicTransport

extension RDD {
    /// Sorts the pairs by key: partition i holds keys before those of partition
    /// i + 1, each partition in key order, so `collect()` gives every pair in
    /// key order. The order of pairs with equal keys is not specified.
    ///
    /// Keys go to partitions by ranges whose bounds come from a sample of the
    /// keys. `sortByKey` is a transformation and runs no job itself: the first
    /// job whose lineage reaches it runs the sampling job just before (a pass
    /// over this RDD; persist it if it is costly to compute twice), as Spark
    /// runs one when `sortByKey` is called.
    ///
    /// ```swift
    /// let ranked = counts.map { ($0.1, $0.0) }.sortByKey(ascending: false).take(10)
    /// ```
    ///
    /// - Parameters:
    ///   - ascending: false sorts from the greatest key to the least.
    ///   - numPartitions: the partitions of the result (default: as many as this
    ///     RDD's); fewer are used when the sample has fewer distinct keys.
    /// - Complexity: a sampling pass, then one shuffle whose map tasks sort each
    ///   bucket (by radix for ``RadixSortableKey`` keys, see the overload) and
    ///   whose reduce tasks merge the sorted buckets.
    public func sortByKey<K: ShuffleKey & Comparable, V: WireCodable & Sendable>(
        ascending: Bool = true, numPartitions: Int? = nil
    ) -> RDD<(K, V)> where Element == (K, V) {
        sortedByKey(ordering: .comparing(ascending: ascending), ascending: ascending, numPartitions: numPartitions)
    }

    /// ``sortByKey(ascending:numPartitions:)`` for keys with an order-preserving
    /// 64-bit image (the integer types, `Double`): buckets sort by radix, in a
    /// few linear passes, and merge on integers.
    public func sortByKey<K: ShuffleKey & RadixSortableKey, V: WireCodable & Sendable>(
        ascending: Bool = true, numPartitions: Int? = nil
    ) -> RDD<(K, V)> where Element == (K, V) {
        sortedByKey(ordering: .radix(ascending: ascending), ascending: ascending, numPartitions: numPartitions)
    }

    /// Moves every pair to the partition `partitioner` gives its key and sorts
    /// each partition by key, in one shuffle (cheaper than `partitionBy` then a sort).
    ///
    /// - Complexity: one shuffle; map tasks sort each bucket, reduce tasks merge them.
    public func repartitionAndSortWithinPartitions<K: ShuffleKey & Comparable, V: WireCodable & Sendable>(
        partitioner: HashPartitioner, ascending: Bool = true
    ) -> RDD<(K, V)> where Element == (K, V) {
        context.recording("repartitionAndSortWithinPartitions", placement: ShippedPlacement(partitioner), types: [K.self, V.self],
                          extra: WireWriter.bytes { $0.write(ascending) }, parents: [self]) {
            shuffled(placement: .hash(partitioner), name: "repartitionAndSortWithinPartitions",
                     ordering: .comparing(ascending: ascending))
        }
    }

    /// ``repartitionAndSortWithinPartitions(partitioner:ascending:)`` for keys
    /// with an order-preserving 64-bit image: buckets sort by radix.
    public func repartitionAndSortWithinPartitions<K: ShuffleKey & RadixSortableKey, V: WireCodable & Sendable>(
        partitioner: HashPartitioner, ascending: Bool = true
    ) -> RDD<(K, V)> where Element == (K, V) {
        context.recording("repartitionAndSortWithinPartitions", placement: ShippedPlacement(partitioner), types: [K.self, V.self],
                          extra: WireWriter.bytes { $0.write(ascending) }, parents: [self]) {
            shuffled(placement: .hash(partitioner), name: "repartitionAndSortWithinPartitions",
                     ordering: .radix(ascending: ascending))
        }
    }

    /// ``repartitionAndSortWithinPartitions(partitioner:ascending:)`` with a
    /// partitioner of keys of type `K`.
    public func repartitionAndSortWithinPartitions<K: ShuffleKey & Comparable, V: WireCodable & Sendable>(
        partitioner: some KeyPartitioner<K>, ascending: Bool = true
    ) -> RDD<(K, V)> where Element == (K, V) {
        context.recording("repartitionAndSortWithinPartitions", placement: ShippedPlacement(partitioner), types: [K.self, V.self],
                          extra: WireWriter.bytes { $0.write(ascending) }, parents: [self]) {
            shuffled(placement: .keyed(partitioner), name: "repartitionAndSortWithinPartitions",
                     ordering: .comparing(ascending: ascending))
        }
    }

    /// ``repartitionAndSortWithinPartitions(partitioner:ascending:)`` with a
    /// partitioner of keys of type `K` that have an order-preserving 64-bit image.
    public func repartitionAndSortWithinPartitions<K: ShuffleKey & RadixSortableKey, V: WireCodable & Sendable>(
        partitioner: some KeyPartitioner<K>, ascending: Bool = true
    ) -> RDD<(K, V)> where Element == (K, V) {
        context.recording("repartitionAndSortWithinPartitions", placement: ShippedPlacement(partitioner), types: [K.self, V.self],
                          extra: WireWriter.bytes { $0.write(ascending) }, parents: [self]) {
            shuffled(placement: .keyed(partitioner), name: "repartitionAndSortWithinPartitions",
                     ordering: .radix(ascending: ascending))
        }
    }

    /// The sorting shuffle of `sortByKey`, by ranges of sampled bounds.
    private func sortedByKey<K: ShuffleKey & Comparable, V: WireCodable & Sendable>(
        ordering: KeyOrdering<K, V>, ascending: Bool, numPartitions: Int?
    ) -> RDD<(K, V)> where Element == (K, V) {
        let count = Swift.max(1, numPartitions ?? partitionCount)
        let arguments = WireWriter.bytes { $0.write(ascending); $0.write(numPartitions ?? -1) }
        return context.recording("sortByKey", types: [K.self, V.self], arguments: arguments, parents: [self]) {
            let placement: KeyPlacement<K> = count == 1
                ? .keyed(RangePartitioner<K>(bounds: [], descending: !ascending))
                : SampledRangePartitioner(keysOf: self, partitions: count, descending: !ascending).placement
            return shuffled(placement: placement, name: "sortByKey", ordering: ordering)
        }
    }
}
