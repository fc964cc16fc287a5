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

extension RecordCodec {
    /// The wire types whose pairs ``knownPair()`` recognizes.
    private static var pairHalves: [any WireCodable.Type] {
        [Int.self, String.self, Double.self, Word.self, Int64.self, Int32.self, UInt64.self, Bool.self, [UInt8].self, [Int].self]
    }

    /// The pair codec of `Element` when it is a pair of two common wire types
    /// (integers, strings, doubles, ``Word``s, byte arrays…): how pairs made by
    /// a registered function (`map`, `binaryRecords`) travel back from a worker
    /// process. Tuples cannot conform to protocols, so the pair is found by
    /// comparing `Element` with each known pair type.
    static func knownPair() -> RecordCodec<Element>? {
        let target = ObjectIdentifier(Element.self)
        func withFirst<A: WireCodable>(_: A.Type) -> RecordCodec<Element>? {
            func withSecond<B: WireCodable>(_: B.Type) -> RecordCodec<Element>? {
                guard ObjectIdentifier((A, B).self) == target else { return nil }
                return RecordCodec<(A, B)>.pair(A.self, B.self) as? RecordCodec<Element>
            }
            for second in pairHalves { if let codec = withSecond(second) { return codec } }
            return nil
        }
        for first in pairHalves { if let codec = withFirst(first) { return codec } }
        return nil
    }
}
