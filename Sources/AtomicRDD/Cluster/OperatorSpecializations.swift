/// Forms of the operators a worker rebuilds that were compiled for concrete
/// element types, so a worker's record loops are specialized like the
/// driver's.
///
/// A worker learns a job's element types at run time, so the operators it
/// rebuilds otherwise run generic code that looks up type metadata for every
/// record (several times slower). Each method below, called with concrete
/// types, compiles the operator for those types; register the types your
/// jobs use (``standard`` has the common ones) and give the result to
/// ``Worker/main(_:registry:specializations:)``. Types not registered still
/// run, generically.
///
/// ```swift
/// var specializations = OperatorSpecializations.standard
/// specializations.map(String.self, (Int, Order).self)
/// specializations.pairs(Int.self, Order.self)
/// ```
public struct OperatorSpecializations: Sendable {
    typealias Key = [ObjectIdentifier]
    typealias MapEntry = @Sendable (AnyRDD, Any) -> AnyRDD?
    typealias PartitionsEntry = @Sendable (AnyRDD, Bool, Any) -> AnyRDD?
    typealias RecordsEntry = @Sendable (Context, String, Int, Int?, Any) throws -> AnyRDD?
    typealias PairEntry = @Sendable (AnyRDD, Int?, Any?) -> AnyRDD?
    typealias SortEntry = @Sendable (AnyRDD, Bool, Int?) -> AnyRDD?
    typealias KeySampleEntry = @Sendable (AnyRDD, Int) -> AnyRDD?
    typealias JoinEntry = @Sendable (AnyRDD, AnyRDD, Int?) -> AnyRDD?
    typealias PartitionByEntry = @Sendable (AnyRDD, HashPartitioner) -> AnyRDD?
    typealias ProjectionEntry = @Sendable (AnyRDD) -> AnyRDD?
    typealias ResultEntry = @Sendable (String, FunctionDescriptor?, AnyRDD, Int, TaskContext) async throws -> [UInt8]?

    var maps: [Key: MapEntry] = [:]
    var flatMaps: [Key: MapEntry] = [:]
    var filters: [Key: MapEntry] = [:]
    var partitions: [Key: PartitionsEntry] = [:]
    var records: [Key: RecordsEntry] = [:]
    var reductions: [Key: PairEntry] = [:]
    var groupings: [Key: PairEntry] = [:]
    var partitionings: [Key: PartitionByEntry] = [:]
    var keyProjections: [Key: ProjectionEntry] = [:]
    var valueProjections: [Key: ProjectionEntry] = [:]
    var sorts: [Key: SortEntry] = [:]
    var keySamples: [Key: KeySampleEntry] = [:]
    var joins: [Key: JoinEntry] = [:]
    var results: [Key: ResultEntry] = [:]
    // Keyed by the registered function's type (and the key type, for reductions):
    // see OperatorSpecializations+Functions.swift.
    var functionMaps: [Key: FunctionEntry] = [:]
    var functionFlatMaps: [Key: FunctionEntry] = [:]
    var functionFilters: [Key: FunctionEntry] = [:]
    var functionRecords: [Key: FunctionRecordsEntry] = [:]
    var functionReductions: [Key: FunctionPairEntry] = [:]

    static func key(_ types: Any.Type...) -> Key { types.map(ObjectIdentifier.init) }

    /// None: every operator runs generically on workers.
    public init() {}

    /// Integers, strings and ``Word``s in the shapes common jobs use: word
    /// counts, `(Int, Int)` pairs, `(Int, String)` pairs; and the
    /// ``StandardFunctions``, each compiled for its own type.
    public static let standard: OperatorSpecializations = {
        var s = OperatorSpecializations()
        s.map(Int.self, Int.self)
        s.map(Int.self, (Int, Int).self)
        s.map(Word.self, (Word, Int).self)
        s.map(String.self, (String, Int).self)
        s.map(String.self, (Int, String).self)
        s.map(String.self, String.self)
        s.flatMap(String.self, [String].self)
        s.flatMap(String.self, [Word].self)
        s.filter(Int.self)
        s.filter(String.self)
        s.binaryRecords((Int, Int).self)
        s.pairs(Int.self, Int.self)
        s.pairs(Word.self, Int.self)
        s.pairs(String.self, Int.self)
        s.pairs(Int.self, String.self)
        s.sortedPairs(Int.self, Int.self)
        s.join(Int.self, Int.self, String.self)
        s.join(Int.self, Int.self, Int.self)
        s.results(Int.self)
        s.results(String.self)
        s.results(Word.self)
        s.results((Int, Int).self)
        s.results((Word, Int).self)
        s.results((String, Int).self)
        s.results((Int, String).self)
        s.results([Int].self)
        s.results((Int, [Int]).self)
        s.addStandardFunctions()
        return s
    }()

    /// `map` from `I` to `O`.
    public mutating func map<I: Sendable, O: Sendable>(_: I.Type, _: O.Type) {
        maps[Self.key(I.self, O.self)] = { parent, transform in
            guard let parent = parent as? RDD<I>, let transform = transform as? @Sendable (I) throws -> O else { return nil }
            return parent.map(transform)
        }
    }

    /// `flatMap` from `I` to sequences `S`.
    public mutating func flatMap<I: Sendable, S: Sequence & SendableMetatype>(_: I.Type, _: S.Type)
        where S.Element: Sendable, S.Iterator: SendableMetatype {
        flatMaps[Self.key(I.self, S.self)] = { parent, transform in
            guard let parent = parent as? RDD<I>, let transform = transform as? @Sendable (I) throws -> S else { return nil }
            return parent.flatMap(transform)
        }
    }

    /// `filter` of `T`.
    public mutating func filter<T: Sendable>(_: T.Type) {
        filters[Self.key(T.self)] = { parent, isIncluded in
            guard let parent = parent as? RDD<T>, let isIncluded = isIncluded as? @Sendable (T) throws -> Bool else { return nil }
            return parent.filter(isIncluded)
        }
    }

    /// `mapPartitions` from `I` to sequences `S`.
    public mutating func mapPartitions<I: Sendable, S: Sequence & SendableMetatype>(_: I.Type, _: S.Type)
        where S.Element: Sendable, S.Iterator: SendableMetatype {
        partitions[Self.key(I.self, S.self)] = { parent, preserves, transform in
            guard let parent = parent as? RDD<I>,
                  let transform = transform as? @Sendable (Int, PartitionIterator<I>) throws -> S else { return nil }
            return parent.mapPartitionsWithIndex(preservesPartitioning: preserves, transform)
        }
    }

    /// `binaryRecords` decoded to `T`.
    public mutating func binaryRecords<T: Sendable>(_: T.Type) {
        records[Self.key(T.self)] = { context, path, length, minPartitions, decode in
            guard let decode = decode as? @Sendable (UnsafeRawBufferPointer) throws -> T else { return nil }
            return try context.binaryRecords(path, recordLength: length, minPartitions: minPartitions, decode: decode)
        }
    }

    /// `reduceByKey`, `groupByKey`, `partitionBy` (into hash partitions), `keys`
    /// and `values` of `(K, V)` pairs.
    public mutating func pairs<K: ShuffleKey, V: WireCodable & Sendable>(_: K.Type, _: V.Type) {
        let key = Self.key(K.self, V.self)
        keyProjections[key] = { parent in (parent as? RDD<(K, V)>)?.keys() }
        valueProjections[key] = { parent in (parent as? RDD<(K, V)>)?.values() }
        partitionings[key] = { parent, partitioner in
            (parent as? RDD<(K, V)>)?.partitionBy(partitioner)
        }
        reductions[key] = { parent, count, combine in
            guard let parent = parent as? RDD<(K, V)>, let combine = combine as? @Sendable (V, V) throws -> V else { return nil }
            return parent.reduceByKey(numPartitions: count, combine)
        }
        groupings[key] = { parent, count, _ in
            (parent as? RDD<(K, V)>)?.groupByKey(numPartitions: count)
        }
    }

    /// `sortByKey` of `(K, V)` pairs, by radix, and the sampling pass before it.
    public mutating func sortedPairs<K: ShuffleKey & RadixSortableKey, V: WireCodable & Sendable>(_: K.Type, _: V.Type) {
        sorts[Self.key(K.self, V.self)] = { parent, ascending, count in
            (parent as? RDD<(K, V)>)?.sortByKey(ascending: ascending, numPartitions: count)
        }
        keySamples[Self.key(K.self, V.self)] = { parent, perPartition in
            (parent as? RDD<(K, V)>).map { KeySampleRDD(parent: $0, perPartition: perPartition) }
        }
    }

    /// The actions (`collect`, `count`, `reduce`) over RDDs of `T`.
    public mutating func results<T: Sendable>(_: T.Type) {
        results[Self.key(T.self)] = { kind, function, rdd, split, task in
            guard let rdd = rdd as? RDD<T> else { return nil }
            return try await RemoteResult<T>.compute(kind, function: function, of: rdd, split, task)
        }
    }

    /// `join` of `(K, V)` with `(K, W)` pairs.
    public mutating func join<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>(_: K.Type, _: V.Type, _: W.Type) {
        joins[Self.key(K.self, V.self, W.self)] = { left, right, count in
            guard let left = left as? RDD<(K, V)>, let right = right as? RDD<(K, W)> else { return nil }
            return left.join(right, numPartitions: count)
        }
    }
}
