extension RDD {
    /// ``reduce(_:)`` with a registered function.
    public func reduce<F: ReduceFunction>(_ function: F) async throws -> Element where F.Value == Element {
        try await reduce { try function($0, $1) }
    }

    /// ``fold(_:_:)`` with a registered function.
    public func fold<F: ReduceFunction>(_ zero: Element, _ function: F) async throws -> Element where F.Value == Element {
        try await fold(zero) { try function($0, $1) }
    }

    /// ``forEach(_:)`` with a registered function.
    public func forEach<F: ForEachFunction>(_ function: F) async throws where F.Input == Element {
        try await forEach { try function($0) }
    }
}
