import AtomicTransport

/// The cogroup of two key-value RDDs: for each key present on either side, the
/// values of the left and the values of the right (the basis of the joins).
///
/// Each side reaches the output's partitions in one of two ways, as in Spark's
/// `CoGroupedRDD`: a side already partitioned by an equivalent partitioner is a
/// narrow dependency (partition i reads its partition i, no shuffle); any other
/// side is shuffled into the output's partitioner, values passed as they are.
/// The reduce side groups both sides' values per key in an ``ExternalMap``,
/// which spills when the memory budget is short.
final class CoGroupedRDD<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable>: RDD<(K, ([V], [W]))>, @unchecked Sendable {
    // `@unchecked Sendable`: see AnyRDD; the fields are immutable after init.
    private let left: CoGroupSide<K, V>
    private let right: CoGroupSide<K, W>
    /// The reduce side's fetch and record loop, made here where the element
    /// types are concrete so they can be specialized (see `HashJoinedRDD.join`).
    private let group: @Sendable (Int, TaskContext) async throws -> Records<(K, ([V], [W]))>

    init(left: RDD<(K, V)>, right: RDD<(K, W)>, placement: KeyPlacement<K>, operatorName: String) {
        let leftSide = CoGroupSide(left, placement: placement), rightSide = CoGroupSide(right, placement: placement)
        self.left = leftSide
        self.right = rightSide
        self.group = { split, task in
            let (left, right) = try await CoGroupSide.both(leftSide, rightSide, split, task)
            return Self.grouped(left, right, task)
        }
        super.init(context: left.context, partitionCount: placement.partitionCount,
                   dependencies: [leftSide.dependency, rightSide.dependency], operatorName: operatorName,
                   partitioner: placement.partitioner)
        setCodec(RecordCodec(
            encode: { record, writer in
                record.0.encode(to: &writer)
                record.1.0.encode(to: &writer)
                record.1.1.encode(to: &writer)
            },
            decode: { (reader: inout WireReader) throws(WireError) -> (K, ([V], [W])) in
                let key = try K(from: &reader)
                let values = try [V](from: &reader)
                return (key, (values, try [W](from: &reader)))
            }))
    }

    deinit {
        for shuffleId in [left.shuffleId, right.shuffleId].compactMap({ $0 }) { context.releaseShuffle(shuffleId) }
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<(K, ([V], [W]))> {
        try await group(split, task)
    }

    private static func grouped(_ left: Records<(K, V)>, _ right: Records<(K, W)>,
                                _ task: TaskContext) -> Records<(K, ([V], [W]))> {
        var left = left, right = right
        var grouped: Records<(K, CoGroupBuffers<V, W>)>?
        return Records {
            if grouped == nil { grouped = try CoGroupBuffers.group(&left, &right, task) }
            guard let (key, buffers) = try grouped!.next() else { return nil }
            return (key, (buffers.left, buffers.right))
        }
    }
}

/// How one side of a cogroup or a join reaches the output's partitions.
enum CoGroupSide<K: ShuffleKey, V: WireCodable & Sendable> {
    /// Already partitioned like the output: partition i is read as it is.
    case narrow(RDD<(K, V)>)
    /// Shuffled into the output's partitions.
    case shuffled(ShuffleDependency<K, V, V>)

    init(_ rdd: RDD<(K, V)>, placement: KeyPlacement<K>) {
        if placement.isMatched(by: rdd.partitioner) {
            self = .narrow(rdd)
        } else {
            self = .shuffled(ShuffleDependency(rdd: rdd, partitioner: placement.partitioner, partition: placement.partition,
                                               aggregator: nil, passValue: { $0 }, codec: .pair(K.self, V.self)))
        }
    }

    var dependency: Dependency {
        switch self {
        case .narrow(let rdd): NarrowDependency.oneToOne(rdd)
        case .shuffled(let dependency): dependency
        }
    }

    var shuffleId: Int? {
        if case .shuffled(let dependency) = self { return dependency.shuffleId }
        return nil
    }

    func records(_ split: Int, _ task: TaskContext) async throws -> Records<(K, V)> {
        switch self {
        case .narrow(let rdd): try await rdd.iterator(split, task)
        case .shuffled(let dependency): try await dependency.fetch(split, task)
        }
    }

    /// The records of both sides of partition `split`, a shuffled side's blocks
    /// fetched while the other side's are: on a cluster, one side's requests
    /// need not wait for the other side's buckets to arrive. Both sides share
    /// the task's bound on bytes in flight.
    static func both<W>(_ left: CoGroupSide<K, V>, _ right: CoGroupSide<K, W>, _ split: Int, _ task: TaskContext)
        async throws -> (Records<(K, V)>, Records<(K, W)>) {
        guard case .shuffled(let leftShuffle) = left, case .shuffled(let rightShuffle) = right else {
            return (try await left.records(split, task), try await right.records(split, task))
        }
        let budget = task.shuffleSource.map { FetchBudget(limit: $0.maxBytesInFlight) }
        async let rightBlocks = rightShuffle.fetchBlocks(split, task, budget: budget)
        let leftBlocks = try await leftShuffle.fetchBlocks(split, task, budget: budget)
        return (leftShuffle.concatenated(leftBlocks), rightShuffle.concatenated(try await rightBlocks))
    }
}

/// The values of one key on each side of a cogroup: the combiner of its
/// reduce side, wire-codable so that it spills.
struct CoGroupBuffers<V: WireCodable, W: WireCodable>: WireCodable {
    var left: [V]
    var right: [W]

    init(left value: V) {
        left = [value]
        right = []
    }

    init(right value: W) {
        left = []
        right = [value]
    }

    init(left: [V], right: [W]) {
        self.left = left
        self.right = right
    }

    /// Groups the rest of both sides per key in an ``ExternalMap`` (which spills
    /// when the budget is short), after what `seed` inserts first.
    static func group<K: ShuffleKey>(
        _ left: inout Records<(K, V)>, _ right: inout Records<(K, W)>, _ task: TaskContext,
        seed: (inout ExternalMap<K, CoGroupBuffers>) throws -> Void = { _ in }
    ) throws -> Records<(K, CoGroupBuffers)> where V: Sendable, W: Sendable {
        var map = ExternalMap<K, CoGroupBuffers>(
            merge: { $0.merge($1) }, codec: .pair(K.self, CoGroupBuffers.self),
            budget: task.environment.memory, scratch: task.environment.scratch, task: task)
        try seed(&map)
        try left.forEach { record in
            try map.insert(record.0, value: record.1, createCombiner: CoGroupBuffers.init(left:), mergeValue: { $0.left.append($1) })
        }
        try right.forEach { record in
            try map.insert(record.0, value: record.1, createCombiner: CoGroupBuffers.init(right:), mergeValue: { $0.right.append($1) })
        }
        return try map.drain()
    }

    /// Appends the values of `other` (from a spilled run) after this one's.
    mutating func merge(_ other: CoGroupBuffers) {
        left.append(contentsOf: other.left)
        right.append(contentsOf: other.right)
    }

    /// Two counts: the smallest encoding.
    static var minimumWireSize: Int { 2 }

    func encode(to writer: inout WireWriter) {
        left.encode(to: &writer)
        right.encode(to: &writer)
    }

    init(from reader: inout WireReader) throws(WireError) {
        left = try [V](from: &reader)
        right = try [W](from: &reader)
    }
}

extension CoGroupBuffers: Sendable where V: Sendable, W: Sendable {}
