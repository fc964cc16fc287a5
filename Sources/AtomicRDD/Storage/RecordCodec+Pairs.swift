import AtomicTransport

extension RecordCodec {
    /// The pair codec of `(A, B)` when both are ``WireCodable`` (found at run
    /// time): how an operator that makes pairs of its inputs' elements (`zip`,
    /// `zipWithIndex`) gives them a codec to travel between processes.
    static func pairIfCodable<A, B>(_: A.Type, _: B.Type) -> RecordCodec<(A, B)>? where Element == (A, B) {
        guard let first = A.self as? any WireCodable.Type, let second = B.self as? any WireCodable.Type else { return nil }
        func make<K: WireCodable, V: WireCodable>(_: K.Type, _: V.Type) -> Any { RecordCodec<(K, V)>.pair(K.self, V.self) }
        return make(first, second) as? RecordCodec<(A, B)>
    }
}
