/// A partitioner that places the keys of one type: what a custom partitioner
/// implements to be given to `partitionBy`, `reduceByKey(partitioner:_:)` and
/// the other pair operations that shuffle.
///
/// ```swift
/// struct ByRegion: KeyPartitioner {
///     var partitionCount: Int { 3 }
///     func partition(of key: Customer) -> Int { key.region.rawValue }
///     func isEquivalent(to other: any Partitioner) -> Bool { other is ByRegion }
///     var description: String { "ByRegion" }
/// }
/// let placed = customers.partitionBy(ByRegion())
/// ```
///
/// ``HashPartitioner`` places keys of every ``ShuffleKey`` type, so it has
/// overloads of its own rather than conforming.
public protocol KeyPartitioner<Key>: Partitioner {
    /// The type of the keys placed.
    associatedtype Key: Sendable
    /// The partition of `key`, in `0..<partitionCount`. An index out of range
    /// fails the task that placed the key with ``EngineError/invalidArgument(operation:reason:)``.
    func partition(of key: Key) -> Int
}

extension RangePartitioner: KeyPartitioner {}

/// A partitioner together with the function that applies it to keys of one
/// type: what a shuffle needs to route records, and what the RDD it makes
/// reports as its partitioner.
struct KeyPlacement<K: ShuffleKey>: Sendable {
    /// The partitioner the shuffled RDD reports.
    let partitioner: any Partitioner
    /// The partition of a key.
    let partition: @Sendable (K) throws -> Int

    /// Places keys by their stable hash.
    static func hash(_ partitioner: HashPartitioner) -> KeyPlacement {
        KeyPlacement(partitioner: partitioner, partition: { partitioner.partition(of: $0) })
    }

    /// Places keys with a partitioner of keys of type `K`, checking that the
    /// index it gives is in range.
    static func keyed(_ partitioner: some KeyPartitioner<K>) -> KeyPlacement {
        let count = partitioner.partitionCount
        return KeyPlacement(partitioner: partitioner) { key in
            let index = partitioner.partition(of: key)
            guard index >= 0, index < count else {
                throw EngineError.invalidArgument(operation: "\(partitioner)",
                                                  reason: "placed a key in partition \(index) of \(count)")
            }
            return index
        }
    }

    /// The placement of an existing RDD's partitioner, or nil when it cannot
    /// place keys of type `K`.
    init?(_ partitioner: any Partitioner) {
        if let hash = partitioner as? HashPartitioner {
            self = .hash(hash)
        } else if let keyed = partitioner as? any KeyPartitioner<K> {
            self = .keyed(keyed)
        } else {
            return nil
        }
    }

    /// Where an operation on `rdds` puts keys, as Spark's `defaultPartitioner`:
    /// `numPartitions` hash partitions when given; otherwise the partitioner of
    /// one of `rdds` that has one able to place keys of type `K` (the widest),
    /// so that RDD is not shuffled; otherwise as many hash partitions as the
    /// widest of `rdds` (Spark's rule when `spark.default.parallelism` is unset).
    static func `default`(for rdds: [AnyRDD], numPartitions: Int?) -> KeyPlacement {
        if let numPartitions { return .hash(HashPartitioner(partitions: numPartitions)) }
        let existing = rdds.compactMap { $0.partitioner.flatMap(KeyPlacement.init) }
        if let widest = existing.max(by: { $0.partitionCount < $1.partitionCount }) { return widest }
        return .hash(HashPartitioner(partitions: rdds.map(\.partitionCount).max() ?? 1))
    }

    /// Places keys with `partition`, which must give indices below the partitioner's count.
    init(partitioner: any Partitioner, partition: @escaping @Sendable (K) throws -> Int) {
        self.partitioner = partitioner
        self.partition = partition
    }

    /// The number of partitions keys are placed in.
    var partitionCount: Int { partitioner.partitionCount }

    /// True when an RDD with `existing` as its partitioner already holds every
    /// key where this placement would put it, with as many partitions.
    func isMatched(by existing: (any Partitioner)?) -> Bool {
        guard let existing else { return false }
        return existing.partitionCount == partitionCount && existing.isEquivalent(to: partitioner)
    }
}
