import AtomicTransport

extension RDD {
    /// Pairs the i-th element of this RDD with the i-th element of `other`.
    ///
    /// Narrow: partition `p` pairs partition `p` of both sides, so both must have
    /// as many partitions, and each pair of partitions as many elements (true of
    /// RDDs derived from one another by `map`).
    ///
    /// ```swift
    /// let squares = try numbers.zip(numbers.map { $0 * $0 })
    /// ```
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` at once when
    ///   the partition counts differ. A job over the result fails with
    ///   ``EngineError/zipMismatch(partition:)`` (inside a ``JobFailedError``)
    ///   when two partitions have different lengths.
    public func zip<Other: Sendable>(_ other: RDD<Other>) throws(EngineError) -> RDD<(Element, Other)> {
        try checkZippable(with: other, operation: "zip")
        return zipped(with: other)
    }

    /// ``zip(_:)`` of RDDs with as many partitions (checked by the caller).
    func zipped<Other: Sendable>(with other: RDD<Other>) -> RDD<(Element, Other)> {
        context.recording("zip", parents: [self, other]) {
            let pairs: RDD<(Element, Other)> = ZippedPartitionsRDD(left: self, right: other, operatorName: "zip",
                                                                   runsUserClosure: false) { split, left, right in
                var left = left, right = right
                return Records {
                    switch (try left.next(), try right.next()) {
                    case let (a?, b?): return (a, b)
                    case (nil, nil): return nil
                    default: throw EngineError.zipMismatch(partition: split)
                    }
                }
            }
            if let codec = RecordCodec<(Element, Other)>.pairIfCodable(Element.self, Other.self) { pairs.setCodec(codec) }
            return pairs
        }
    }

    /// Transforms partition `p` of this RDD and partition `p` of `other`
    /// together: `transform` gets both as sequences and returns a sequence,
    /// consumed lazily. The partitions may have any lengths.
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` when the
    ///   partition counts differ.
    public func zipPartitions<Other: Sendable, S: Sequence>(
        _ other: RDD<Other>, preservesPartitioning: Bool = false,
        _ transform: @escaping @Sendable (PartitionIterator<Element>, PartitionIterator<Other>) throws -> S
    ) throws(EngineError) -> RDD<S.Element> where S: SendableMetatype, S.Element: Sendable {
        try checkZippable(with: other, operation: "zipPartitions")
        return zippedPartitions(with: other, preservesPartitioning: preservesPartitioning, transform)
    }

    /// ``zipPartitions(_:preservesPartitioning:_:)`` of RDDs with as many partitions (checked by the caller).
    func zippedPartitions<Other: Sendable, S: Sequence>(
        with other: RDD<Other>, preservesPartitioning: Bool,
        _ transform: @escaping @Sendable (PartitionIterator<Element>, PartitionIterator<Other>) throws -> S
    ) -> RDD<S.Element> where S: SendableMetatype, S.Element: Sendable {
        ZippedPartitionsRDD(left: self, right: other, operatorName: "zipPartitions", runsUserClosure: true,
                            preservesPartitioning: preservesPartitioning) { _, left, right in
            let leftRecords = PartitionIterator(left), rightRecords = PartitionIterator(right)
            var output = try transform(leftRecords, rightRecords).makeIterator()
            return Records {
                if let element = output.next() { return element }
                try leftRecords.rethrowFailure()
                try rightRecords.rethrowFailure()
                return nil
            }
        }
    }

    /// Pairs each element with its index in the whole RDD: partition order,
    /// then order within the partition, as Spark's `zipWithIndex`.
    ///
    /// Runs a job at once to count the elements of every partition but the
    /// last (none with one partition), so this RDD is computed twice: persist it
    /// first if that is costly, and make sure its order is deterministic.
    ///
    /// - Throws: what the counting job throws (``JobFailedError``…).
    public func zipWithIndex() async throws -> RDD<(Element, Int)> {
        var starts = [0]
        if partitionCount > 1 {
            let counts = try await context.runJob(self, partitions: Array(0..<partitionCount - 1), remote: .count) { _, records in
                try records.count()
            }
            for count in counts { starts.append(starts[starts.count - 1] + count) }
        }
        return zipWithIndex(starts: starts)
    }

    /// ``zipWithIndex()`` given the index of each partition's first element.
    func zipWithIndex(starts: [Int]) -> RDD<(Element, Int)> {
        context.recording("zipWithIndex", arguments: WireWriter.bytes { $0.write(starts) }, parents: [self]) {
            let indexed: RDD<(Element, Int)> = MapPartitionsRDD(parent: self, operatorName: "zipWithIndex",
                                                                runsUserClosure: false) { _, split, input in
                var input = input
                var index = starts[split]
                return Records {
                    guard let element = try input.next() else { return nil }
                    defer { index += 1 }
                    return (element, index)
                }
            }
            if let codec = RecordCodec<(Element, Int)>.pairIfCodable(Element.self, Int.self) { indexed.setCodec(codec) }
            return indexed
        }
    }

    /// Pairs each element with an id unique in the RDD, without a job: the i-th
    /// element of partition `k` of `n` gets `i * n + k` (so ids have gaps when
    /// partitions differ in size).
    public func zipWithUniqueId() -> RDD<(Element, Int)> {
        let stride = partitionCount
        return context.recording("zipWithUniqueId", parents: [self]) {
            let numbered: RDD<(Element, Int)> = MapPartitionsRDD(parent: self, operatorName: "zipWithUniqueId",
                                                                 runsUserClosure: false) { _, split, input in
                var input = input
                var id = split
                return Records {
                    guard let element = try input.next() else { return nil }
                    defer { id += stride }
                    return (element, id)
                }
            }
            if let codec = RecordCodec<(Element, Int)>.pairIfCodable(Element.self, Int.self) { numbered.setCodec(codec) }
            return numbered
        }
    }

    func checkZippable<Other>(with other: RDD<Other>, operation: String) throws(EngineError) {
        guard partitionCount == other.partitionCount else {
            throw .invalidArgument(operation: operation,
                                   reason: "cannot zip \(partitionCount) partitions with \(other.partitionCount)")
        }
    }
}
