extension RDD {
    /// ``reduce(_:)`` with a registered function.
    public func reduce<F: ReduceFunction>(_ function: F) async throws -> Element where F.Value == Element {
        let partials = try await context.runJob(self, remote: RemoteResult<[Element]>.reduce(self, function)) { _, records -> [Element] in
            guard var result = try records.next() else { return [] }
            try records.forEach { result = try function(result, $0) }
            return [result]
        }.joined()
        guard let first = partials.first else { throw EngineError.emptyRDD(operation: "reduce") }
        return try partials.dropFirst().reduce(first) { try function($0, $1) }
    }

    /// ``fold(_:_:)`` with a registered function.
    public func fold<F: ReduceFunction>(_ zero: Element, _ function: F) async throws -> Element where F.Value == Element {
        // Each partition reduced, then folded from `zero` (which is neutral, as for the closure form).
        try await partitionReductions(function).collect().reduce(zero) { try function($0, try function(zero, $1)) }
    }

    /// ``forEach(_:)`` with a registered function.
    public func forEach<F: ForEachFunction>(_ function: F) async throws where F.Input == Element {
        _ = try await forEachElement(function).count()
    }
}
