import AtomicTransport

extension RDD {
    /// The elements of this RDD, then those of `other`: Spark's `union`.
    ///
    /// Narrow: the partitions of both RDDs one after another, with no shuffle;
    /// duplicates are kept (see ``distinct(numPartitions:)``).
    ///
    /// ```swift
    /// let all = logs2023.union(logs2024)   // 4 + 3 partitions -> 7
    /// ```
    public func union(_ other: RDD<Element>) -> RDD<Element> {
        context.recording("union", types: [Element.self], parents: [self, other]) {
            UnionRDD(context: context, parents: [self, other])
        }
    }

    /// Every pair `(a, b)` of an element `a` of this RDD and `b` of `other`.
    ///
    /// Narrow: one partition per pair of partitions (`m * n` in all); each task
    /// holds one partition of `other` in memory while it walks one of this RDD,
    /// so `other` should be the smaller side.
    ///
    /// - Complexity: O(|self| * |other|) pairs.
    public func cartesian<Other: Sendable>(_ other: RDD<Other>) -> RDD<(Element, Other)> {
        context.recording("cartesian", types: [Element.self, Other.self], parents: [self, other]) {
            CartesianRDD(left: self, right: other).withPairCodec()
        }
    }
}

extension Context {
    /// The elements of every RDD of `rdds`, partitions one after another (no
    /// shuffle). An empty list gives an empty RDD.
    public func union<T: Sendable>(_ rdds: [RDD<T>]) -> RDD<T> {
        if rdds.isEmpty { return emptyRDD(of: T.self) }
        return recording("unionAll", types: [T.self], parents: rdds) { UnionRDD(context: self, parents: rdds) }
    }
}

extension RDD where Element: ShuffleKey {
    /// Each distinct element once, through a shuffle into `numPartitions`
    /// partitions (default: as many as this RDD has).
    ///
    /// Duplicates are dropped on the map side already, so only distinct elements
    /// of each map task cross the shuffle.
    public func distinct(numPartitions: Int? = nil) -> RDD<Element> {
        context.recording("distinct", types: [Element.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self]) {
            let tagged = tagged(0 as UInt8, name: "distinct")
            let merged = mergedByKey(tagged, partitions: numPartitions ?? partitionCount, name: "distinct") { _, _ in }
            return MapPartitionsRDD(parent: merged, operatorName: "distinct", runsUserClosure: false) { _, _, input in
                var input = input
                return Records { try input.next()?.0 }
            }
        }
    }

    /// The elements found in both this RDD and `other`, each once, through one
    /// shuffle into `numPartitions` partitions (default: the larger partition
    /// count of the two).
    public func intersection(_ other: RDD<Element>, numPartitions: Int? = nil) -> RDD<Element> {
        context.recording("intersection", types: [Element.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            intersecting(other, numPartitions: numPartitions)
        }
    }

    /// The RDDs of ``intersection(_:numPartitions:)``.
    private func intersecting(_ other: RDD<Element>, numPartitions: Int?) -> RDD<Element> {
        // Each side marks its elements with a bit; keys holding both bits are in both.
        let both = UnionRDD<(Element, UInt8)>(
            context: context,
            parents: [tagged(0b01, name: "intersection"), other.tagged(0b10, name: "intersection")],
            operatorName: "intersection")
        let merged = mergedByKey(both, partitions: numPartitions ?? Swift.max(partitionCount, other.partitionCount),
                                 name: "intersection") { $0 |= $1 }
        return MapPartitionsRDD(parent: merged, operatorName: "intersection", runsUserClosure: false) { _, _, input in
            var input = input
            return Records {
                while let (element, sides) = try input.next() {
                    if sides == 0b11 { return element }
                }
                return nil
            }
        }
    }

    /// The elements of this RDD not found in `other`, duplicates kept, through
    /// one shuffle into `numPartitions` partitions (default: as many as this RDD has).
    public func subtract(_ other: RDD<Element>, numPartitions: Int? = nil) -> RDD<Element> {
        context.recording("subtract", types: [Element.self], arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) },
                          parents: [self, other]) {
            subtracting(other, numPartitions: numPartitions)
        }
    }

    /// The RDDs of ``subtract(_:numPartitions:)``.
    private func subtracting(_ other: RDD<Element>, numPartitions: Int?) -> RDD<Element> {
        // Each key's value counts its copies on the left, or is -1 once any copy
        // came from the right.
        let both = UnionRDD<(Element, Int)>(
            context: context,
            parents: [tagged(1, name: "subtract"), other.tagged(-1, name: "subtract")],
            operatorName: "subtract")
        let merged = mergedByKey(both, partitions: numPartitions ?? partitionCount, name: "subtract") { count, more in
            count = count < 0 || more < 0 ? -1 : count + more
        }
        return MapPartitionsRDD(parent: merged, operatorName: "subtract", runsUserClosure: false) { _, _, input in
            var input = input
            var current: Element?
            var copies = 0
            return Records {
                while copies == 0 {
                    guard let (element, count) = try input.next() else { return nil }
                    if count > 0 { (current, copies) = (element, count) }
                }
                copies -= 1
                return current
            }
        }
    }

    /// Pairs each element with `tag`.
    fileprivate func tagged<Tag: Sendable>(_ tag: Tag, name: String) -> RDD<(Element, Tag)> {
        MapPartitionsRDD(parent: self, operatorName: name, runsUserClosure: false) { _, _, input in
            var input = input
            return Records { try input.next().map { ($0, tag) } }
        }
    }
}

/// Shuffles `pairs` into `partitions` hash partitions, merging the values of
/// each key with `merge` on both sides of the shuffle.
private func mergedByKey<K: ShuffleKey, V: WireCodable & Sendable>(
    _ pairs: RDD<(K, V)>, partitions: Int, name: String, merge: @escaping @Sendable (inout V, V) -> Void
) -> RDD<(K, V)> {
    let partitioner = HashPartitioner(partitions: partitions)
    let aggregator = Aggregator<V, V>(createCombiner: { $0 }, mergeValue: merge, mergeCombiners: merge)
    let dependency = ShuffleDependency<K, V, V>(
        rdd: pairs, partitioner: partitioner, partition: { partitioner.partition(of: $0) },
        aggregator: aggregator, passValue: { $0 }, codec: .pair(K.self, V.self))
    return ShuffledRDD(dependency: dependency, operatorName: name)
}
