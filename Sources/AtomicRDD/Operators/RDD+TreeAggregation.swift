import AtomicTransport

extension RDD {
    /// ``aggregate(_:_:_:)`` in a tree: partitions' results are merged in
    /// `depth` rounds of shuffles, each cutting their number by a factor, so the
    /// driver receives only a few values however many partitions there are.
    public func treeAggregate<U: WireCodable & Sendable>(_ zero: U, _ seqOp: @escaping @Sendable (U, Element) throws -> U,
                                                         _ combOp: @escaping @Sendable (U, U) throws -> U, depth: Int = 2) async throws -> U {
        guard depth >= 1 else { throw EngineError.invalidArgument(operation: "treeAggregate", reason: "depth \(depth) < 1") }
        var partials: RDD<U> = mapPartitionsWithIndex(preservesPartitioning: false, name: "treeAggregate") { _, records in
            var value = zero
            for element in records { value = try seqOp(value, element) }
            return CollectionOfOne(value)
        }
        var count = partitionCount
        let scale = Swift.max(2, Int((Double(count).squareRoot() + 0.5).rounded(.up)))
        var level = 1
        while count > scale + count / scale, level < depth {
            count /= scale
            let target = Swift.max(1, count)
            partials = partials.mapPartitionsWithIndex(preservesPartitioning: false, name: "treeAggregate") { index, records in
                records.map { (index % target, $0) }
            }.reduceByKey(numPartitions: target, combOp).map { $0.1 }
            level += 1
        }
        return try await partials.aggregate(zero, { try combOp($0, $1) }, { try combOp($0, $1) })
    }

    /// ``reduce(_:)`` in a tree, like ``treeAggregate(_:_:_:depth:)``.
    ///
    /// - Throws: ``EngineError/emptyRDD(operation:)`` when there are no elements.
    public func treeReduce(_ combine: @escaping @Sendable (Element, Element) throws -> Element, depth: Int = 2) async throws -> Element where Element: WireCodable {
        let result: Element? = try await treeAggregate(nil as Element?, { partial, element in
            try partial.map { try combine($0, element) } ?? element
        }, { a, b in
            switch (a, b) {
            case let (a?, b?): try combine(a, b)
            default: a ?? b
            }
        }, depth: depth)
        guard let result else { throw EngineError.emptyRDD(operation: "treeReduce") }
        return result
    }
}
