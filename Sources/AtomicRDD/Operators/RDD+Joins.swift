import AtomicTransport

// Joins of two key-value RDDs: `cogroup` groups both sides per key; the joins
// are hash joins (HashJoinedRDD) that group neither. In both, a side already
// partitioned like the output is read where it is; any other side is shuffled.

extension RDD {
    /// For each key present on either side, its values in this RDD and in `other`.
    ///
    /// The output's partitioner is `numPartitions` hash partitions when given;
    /// otherwise the partitioner of a side that has one (the one with more
    /// partitions), so that side is not shuffled; otherwise the default
    /// parallelism's hash partitioner. A side already partitioned like the
    /// output is read with no shuffle.
    ///
    /// - Complexity: at most one shuffle per side; the reduce side groups within
    ///   the memory budget, spilling to disk. All values of one key are held at once.
    public func cogroup<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil
    ) -> RDD<(K, ([V], [W]))> where Element == (K, V) {
        context.recording("cogroup", types: [K.self, V.self, W.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            let groups: RDD<(K, ([V], [W]))> = CoGroupedRDD(left: self, right: other,
                                                            placement: .default(for: [self, other], numPartitions: numPartitions),
                                                            operatorName: "cogroup")
            groups.setCodec(.joinedRows(K.self, [V].self, [W].self))
            return groups
        }
    }

    /// The pairs `(k, (v, w))` for every `(k, v)` here and `(k, w)` in `other`:
    /// for each key, every value of this RDD with every value of `other`, this
    /// RDD's values in the outer loop. Keys on one side only are left out.
    ///
    /// ```swift
    /// let ordersWithNames = orders.join(customers)   // (customerId, (order, name))
    /// ```
    ///
    /// The output is partitioned as for ``cogroup(_:numPartitions:)``. Each
    /// output partition holds `other`'s records in a hash table and streams this
    /// RDD's records past it, so put the smaller side in `other`; when the table
    /// does not fit the memory budget, the partition groups both sides as
    /// `cogroup` does, spilling to disk.
    ///
    /// - Complexity: at most one shuffle per side; O(rows) after it, holding
    ///   one partition of `other` at a time.
    public func join<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil
    ) -> RDD<(K, (V, W))> where Element == (K, V) {
        context.recording("join", types: [K.self, V.self, W.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            let rows = joined(other, numPartitions, name: "join", keepLeft: false, keepRight: false) { key, v, w in
                guard let v, let w else { preconditionFailure("Internal inconsistency: inner join without a value") }
                return (key, (v, w))
            }
            rows.setCodec(.joinedRows(K.self, V.self, W.self))
            return rows
        }
    }

    /// Like ``join(_:numPartitions:)``, also keeping keys found only here, paired with nil.
    public func leftOuterJoin<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil
    ) -> RDD<(K, (V, W?))> where Element == (K, V) {
        context.recording("leftOuterJoin", types: [K.self, V.self, W.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            let rows = joined(other, numPartitions, name: "leftOuterJoin", keepLeft: true, keepRight: false) { key, v, w in
                guard let v else { preconditionFailure("Internal inconsistency: left outer join without a left value") }
                return (key, (v, w))
            }
            rows.setCodec(.joinedRows(K.self, V.self, W?.self))
            return rows
        }
    }

    /// Like ``join(_:numPartitions:)``, also keeping keys found only in `other`, paired with nil.
    public func rightOuterJoin<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil
    ) -> RDD<(K, (V?, W))> where Element == (K, V) {
        context.recording("rightOuterJoin", types: [K.self, V.self, W.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            let rows = joined(other, numPartitions, name: "rightOuterJoin", keepLeft: false, keepRight: true) { key, v, w in
                guard let w else { preconditionFailure("Internal inconsistency: right outer join without a right value") }
                return (key, (v, w))
            }
            rows.setCodec(.joinedRows(K.self, V?.self, W.self))
            return rows
        }
    }

    /// Like ``join(_:numPartitions:)``, also keeping keys found on one side only, paired with nil.
    public func fullOuterJoin<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil
    ) -> RDD<(K, (V?, W?))> where Element == (K, V) {
        context.recording("fullOuterJoin", types: [K.self, V.self, W.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            let rows = joined(other, numPartitions, name: "fullOuterJoin", keepLeft: true, keepRight: true) { key, v, w in (key, (v, w)) }
            rows.setCodec(.joinedRows(K.self, V?.self, W?.self))
            return rows
        }
    }

    /// The pairs of this RDD whose key is not in `other`. Only the keys of
    /// `other` cross the shuffle, so its values need not be wire-codable.
    public func subtractByKey<K: ShuffleKey, V: WireCodable & Sendable, W: Sendable>(
        _ other: RDD<(K, W)>, numPartitions: Int? = nil
    ) -> RDD<(K, V)> where Element == (K, V) {
        context.recording("subtractByKey", types: [K.self, V.self, W.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            subtractingKeys(of: other, numPartitions: numPartitions)
        }
    }

    /// The RDDs of ``subtractByKey(_:numPartitions:)``: both sides cogrouped, `other` by its keys only.
    private func subtractingKeys<K: ShuffleKey, V: WireCodable & Sendable, W: Sendable>(
        of other: RDD<(K, W)>, numPartitions: Int?
    ) -> RDD<(K, V)> where Element == (K, V) {
        let presence = MapPartitionsRDD<(K, W), (K, Bool)>(parent: other, operatorName: "keys", runsUserClosure: false,
                                                           preservesPartitioning: true) { _, _, input in
            var input = input
            return Records { try input.next().map { ($0.0, true) } }
        }
        let placement = KeyPlacement<K>.default(for: [self, other], numPartitions: numPartitions)
        let grouped = CoGroupedRDD(left: self, right: presence, placement: placement, operatorName: "cogroup")
        let kept = MapPartitionsRDD(parent: grouped, operatorName: "subtractByKey", runsUserClosure: false,
                                preservesPartitioning: true) { _, _, input in
            var input = input
            var key: K?
            var values: [V] = []
            var index = 0
            return Records {
                while true {
                    if let key, index < values.count {
                        defer { index += 1 }
                        return (key, values[index])
                    }
                    guard let (nextKey, (left, right)) = try input.next() else { return nil }
                    key = nextKey
                    values = right.isEmpty ? left : []
                    index = 0
                }
            }
        }
        kept.setCodec(.pair(K.self, V.self))
        return kept
    }

    /// The hash join with `other` (see ``HashJoinedRDD``): one output per pair
    /// of values of a key; a side with no values stands in as one nil when it is kept.
    private func joined<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable, Output: Sendable>(
        _ other: RDD<(K, W)>, _ numPartitions: Int?, name: String, keepLeft: Bool, keepRight: Bool,
        _ output: @escaping @Sendable (K, V?, W?) -> Output
    ) -> RDD<Output> where Element == (K, V) {
        HashJoinedRDD(left: self, right: other, placement: .default(for: [self, other], numPartitions: numPartitions),
                      operatorName: name, keepLeft: keepLeft, keepRight: keepRight, output: output)
    }
}
