import AtomicTransport

extension RDD {
    /// Every element, in partition order.
    public func collect() async throws -> [Element] {
        var parts = try await context.runJob(self, remote: RemoteResult<[Element]>.collect(self)) { _, records in try records.collect() }
        // One partition's array is the result as it is; more are appended into
        // one array sized once (a joined sequence would grow it as it goes).
        if parts.count == 1 { return parts.removeLast() }
        var result: [Element] = []
        result.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for index in parts.indices {
            result.append(contentsOf: parts[index])
            parts[index] = []
        }
        return result
    }

    /// The number of elements.
    public func count() async throws -> Int {
        try await context.runJob(self, remote: RemoteResult<Int>.count) { _, records in try records.count() }.reduce(0, +)
    }

    /// True when the RDD has no elements (reads as few partitions as it can).
    public func isEmpty() async throws -> Bool { try await take(1).isEmpty }

    /// The first `n` elements in partition order, reading one partition first,
    /// then more partitions at a time until it has enough (as Spark does).
    public func take(_ n: Int) async throws -> [Element] {
        guard n > 0 else { return [] }
        var result: [Element] = []
        var next = 0
        var batch = 1
        while result.count < n, next < partitionCount {
            let partitions = Array(next..<Swift.min(partitionCount, next + batch))
            // Each task returns at most the elements still wanted (an operator, so it also ships to workers).
            let limited = prefixes(n - result.count)
            let parts = try await context.runJob(limited, partitions: partitions, remote: RemoteResult<[Element]>.collect(limited)) {
                _, records -> [Element] in try records.collect()
            }
            for part in parts { result += part.prefix(n - result.count) }
            next += partitions.count
            batch *= 4
        }
        return result
    }

    /// The first element.
    ///
    /// - Throws: ``EngineError/emptyRDD(operation:)`` when there is none.
    public func first() async throws -> Element {
        guard let element = try await take(1).first else { throw EngineError.emptyRDD(operation: "first") }
        return element
    }

    /// The `n` least elements by `areInIncreasingOrder`, in order. Each task
    /// keeps only its `n` least, so the driver receives at most n per partition.
    public func takeOrdered(_ n: Int, by areInIncreasingOrder: @escaping @Sendable (Element, Element) -> Bool) async throws -> [Element] {
        guard n > 0 else { return [] }
        let parts = try await context.runJob(self) { _, records in try Self.least(n, of: &records, by: areInIncreasingOrder) }
        return Array(parts.joined().sorted(by: areInIncreasingOrder).prefix(n))
    }

    /// The `n` greatest elements by `areInIncreasingOrder`, greatest first.
    public func top(_ n: Int, by areInIncreasingOrder: @escaping @Sendable (Element, Element) -> Bool) async throws -> [Element] {
        try await takeOrdered(n) { areInIncreasingOrder($1, $0) }
    }

    /// Calls `body` with every element, inside the tasks.
    public func forEach(_ body: @escaping @Sendable (Element) throws -> Void) async throws {
        _ = try await context.runJob(self) { _, records in try records.forEach(body) }
    }

    /// Calls `body` with the records of every partition, inside the tasks.
    public func forEachPartition(_ body: @escaping @Sendable (PartitionIterator<Element>) throws -> Void) async throws {
        _ = try await context.runJob(self) { _, records in
            let iterator = PartitionIterator(records)
            try body(iterator)
            try iterator.rethrowFailure()
        }
    }

    /// Combines the elements with an associative, commutative function.
    ///
    /// - Throws: ``EngineError/emptyRDD(operation:)`` when there are no elements.
    public func reduce(_ combine: @escaping @Sendable (Element, Element) throws -> Element) async throws -> Element {
        let partials = try await context.runJob(self) { _, records in try Self.reduced(&records, combine) }.compactMap { $0 }
        guard let first = partials.first else { throw EngineError.emptyRDD(operation: "reduce") }
        return try partials.dropFirst().reduce(first, combine)
    }

    /// Folds the elements of each partition from `zero`, then the partitions'
    /// results from `zero` (so `zero` must be neutral for `combine`).
    public func fold(_ zero: Element, _ combine: @escaping @Sendable (Element, Element) throws -> Element) async throws -> Element {
        try await aggregate(zero, combine, combine)
    }

    /// Aggregates each partition with `seqOp` from `zero`, then merges the
    /// partitions' results with `combOp` from `zero`.
    public func aggregate<U: Sendable>(_ zero: U, _ seqOp: @escaping @Sendable (U, Element) throws -> U,
                                       _ combOp: @escaping @Sendable (U, U) throws -> U) async throws -> U {
        let partials = try await context.runJob(self) { _, records -> U in
            var value = zero
            try records.forEach { value = try seqOp(value, $0) }
            return value
        }
        return try partials.reduce(zero, combOp)
    }

    /// The number of times each distinct element occurs, counted with a shuffle.
    public func countByValue() async throws -> [Element: Int] where Element: ShuffleKey {
        let pairs = try await valueCounts().collect()
        return Dictionary(uniqueKeysWithValues: pairs)
    }
}

extension RDD where Element: Comparable {
    /// The greatest element.
    ///
    /// - Throws: ``EngineError/emptyRDD(operation:)`` when there is none.
    public func max() async throws -> Element {
        guard let greatest = try await partitionExtremes(greatest: true).collect().max() else {
            throw EngineError.emptyRDD(operation: "max")
        }
        return greatest
    }

    /// The least element.
    ///
    /// - Throws: ``EngineError/emptyRDD(operation:)`` when there is none.
    public func min() async throws -> Element {
        guard let least = try await partitionExtremes(greatest: false).collect().min() else {
            throw EngineError.emptyRDD(operation: "min")
        }
        return least
    }

    /// The `n` least elements, in increasing order.
    public func takeOrdered(_ n: Int) async throws -> [Element] {
        guard n > 0 else { return [] }
        return Array(try await partitionLeast(n, reversed: false).collect().sorted().prefix(n))
    }

    /// The `n` greatest elements, greatest first.
    public func top(_ n: Int) async throws -> [Element] {
        guard n > 0 else { return [] }
        return Array(try await partitionLeast(n, reversed: true).collect().sorted(by: >).prefix(n))
    }
}
