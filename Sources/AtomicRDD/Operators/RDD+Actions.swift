extension RDD {
    /// Every element, in partition order.
    public func collect() async throws -> [Element] {
        let parts = try await context.runJob(self) { _, records in try records.collect() }
        return Array(parts.joined())
    }

    /// The number of elements.
    public func count() async throws -> Int {
        try await context.runJob(self) { _, records in try records.count() }.reduce(0, +)
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
        let partials = try await context.runJob(self) { _, records -> Element? in
            guard var result = try records.next() else { return nil }
            while let next = try records.next() { result = try combine(result, next) }
            return result
        }
        guard let first = partials.compactMap({ $0 }).first else { throw EngineError.emptyRDD(operation: "reduce") }
        return try partials.compactMap { $0 }.dropFirst().reduce(first, combine)
    }
}
