import AtomicTransport

// Registered-function forms of the operators that run more than one user
// function, or that are actions. Each calls the closure form; RDDs they make
// are tagged with the function, so lineage names it.

extension RDD {
    /// ``aggregate(_:_:_:)`` with a registered function.
    public func aggregate<F: AggregateFunction>(_ function: F) async throws -> F.Value where F.Input == Element {
        try await partitionAggregates(function).collect().reduce(function.zero) { try function.merge($0, $1) }
    }

    /// ``treeAggregate(_:_:_:depth:)`` with a registered function.
    public func treeAggregate<F: AggregateFunction>(_ function: F, depth: Int = 2) async throws -> F.Value
        where F.Input == Element, F.Value: WireCodable {
        guard depth >= 1 else { throw EngineError.invalidArgument(operation: "treeAggregate", reason: "depth \(depth) < 1") }
        return try await partitionAggregates(function).treeMerged(depth: depth, function: function.descriptor) { try function.merge($0, $1) }
            .collect().reduce(function.zero) { try function.merge($0, $1) }
    }

    /// ``treeReduce(_:depth:)`` with a registered function.
    public func treeReduce<F: ReduceFunction>(_ function: F, depth: Int = 2) async throws -> Element
        where F.Value == Element, Element: WireCodable {
        guard depth >= 1 else { throw EngineError.invalidArgument(operation: "treeReduce", reason: "depth \(depth) < 1") }
        let partials = try await partitionReductions(function).treeMerged(depth: depth, function: function.descriptor) { try function($0, $1) }
            .collect()
        guard let first = partials.first else { throw EngineError.emptyRDD(operation: "treeReduce") }
        return try partials.dropFirst().reduce(first) { try function($0, $1) }
    }

    /// ``takeOrdered(_:by:)`` with a registered ordering.
    public func takeOrdered<F: OrderingFunction>(_ n: Int, by function: F) async throws -> [Element] where F.Input == Element {
        guard n > 0 else { return [] }
        return Array(try await partitionOrdered(n, by: function, reversed: false).collect().sorted { function($0, $1) }.prefix(n))
    }

    /// ``top(_:by:)`` with a registered ordering.
    public func top<F: OrderingFunction>(_ n: Int, by function: F) async throws -> [Element] where F.Input == Element {
        guard n > 0 else { return [] }
        return Array(try await partitionOrdered(n, by: function, reversed: true).collect().sorted { function($1, $0) }.prefix(n))
    }

    /// ``forEachPartition(_:)`` with a registered function, which also gets the partition's index.
    public func forEachPartition<F: PartitionForEachFunction>(_ function: F) async throws where F.Input == Element {
        _ = try await forEachPartitionRecords(function).count()
    }

    /// ``mapPartitionsWithIndex(preservesPartitioning:_:)`` with a registered function.
    public func mapPartitionsWithIndex<F: PartitionFunction>(preservesPartitioning: Bool = false, _ function: F) -> RDD<F.Output.Element>
        where F.Input == Element {
        context.recording("mapPartitionsWithIndex", function: function.descriptor,
                          arguments: WireWriter.bytes { $0.write(preservesPartitioning) }, parents: [self]) {
            mapPartitionsWithIndex(preservesPartitioning: preservesPartitioning, name: "mapPartitionsWithIndex") { try function($0, $1) }
                .registered(function)
        }
    }

    /// ``zipPartitions(_:preservesPartitioning:_:)`` with a registered function.
    public func zipPartitions<Other: Sendable, F: ZipPartitionsFunction>(
        _ other: RDD<Other>, preservesPartitioning: Bool = false, _ function: F
    ) throws(EngineError) -> RDD<F.Output.Element> where F.Left == Element, F.Right == Other {
        try checkZippable(with: other, operation: "zipPartitions")
        return context.recording("zipPartitions", function: function.descriptor,
                                 arguments: WireWriter.bytes { $0.write(preservesPartitioning) }, parents: [self, other]) {
            zippedPartitions(with: other, preservesPartitioning: preservesPartitioning) { try function($0, $1) }.registered(function)
        }
    }

    /// ``aggregateByKey(zero:numPartitions:seqOp:combOp:)`` with a registered function.
    public func aggregateByKey<K: ShuffleKey, V: Sendable, F: AggregateFunction>(numPartitions: Int? = nil, _ function: F) -> RDD<(K, F.Value)>
        where Element == (K, V), F.Input == V, F.Value: WireCodable {
        context.recording("aggregateByKey", function: function.descriptor, types: [K.self, V.self, F.Value.self],
                          arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) }, parents: [self]) {
            aggregateByKey(zero: function.zero, numPartitions: numPartitions,
                           seqOp: { try function.add($0, $1) }, combOp: { try function.merge($0, $1) }).registered(function)
        }
    }

    /// ``combineByKey(createCombiner:mergeValue:mergeCombiners:numPartitions:)`` with a registered function.
    public func combineByKey<K: ShuffleKey, V: Sendable, F: CombineFunction>(numPartitions: Int? = nil, _ function: F) -> RDD<(K, F.Combiner)>
        where Element == (K, V), F.Value == V, F.Combiner: WireCodable {
        context.recording("combineByKey", function: function.descriptor, types: [K.self, V.self, F.Combiner.self],
                          arguments: WireWriter.bytes { $0.write(numPartitions ?? -1) }, parents: [self]) {
            combineByKey(createCombiner: { try function.create($0) }, mergeValue: { try function.mergeValue($0, $1) },
                         mergeCombiners: { try function.mergeCombiners($0, $1) }, numPartitions: numPartitions).registered(function)
        }
    }
}
