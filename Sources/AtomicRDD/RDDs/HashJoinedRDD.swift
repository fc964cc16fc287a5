import AtomicTransport

/// The join of two key-value RDDs (inner, left, right or full outer), by a hash
/// join in each output partition: the right side's records are loaded into a
/// ``JoinTable``, then the left side streams past it, each record paired with
/// the values of its key as it arrives. No per-key arrays are built and the
/// left side is never held, so the right side should be the smaller one.
///
/// The sides reach the partitions as in ``CoGroupedRDD`` (read where they are
/// when already partitioned like the output, else shuffled). When the memory
/// budget refuses room for the table, the partition falls back to grouping
/// both sides in an ``ExternalMap``, which spills, as `cogroup` does.
///
/// Order: for each key, left values in the outer loop and right values in the
/// inner one, each in the order they arrive; a right outer join's unmatched
/// right keys come after the left side, in order of first arrival.
final class HashJoinedRDD<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable, Output: Sendable>:
    RDD<Output>, @unchecked Sendable {
    // `@unchecked Sendable`: see AnyRDD; the fields are immutable after init.
    private let left: CoGroupSide<K, V>
    private let right: CoGroupSide<K, W>
    /// The partition's fetch and record loop, made here where the element types
    /// are concrete so both can be specialized (see `ShuffleDependency.writeMap`):
    /// from `compute`, a class override, only the generic versions can be called,
    /// which look up type metadata on every record.
    private let join: @Sendable (Int, TaskContext) async throws -> Records<Output>

    /// The join of `left` and `right`, keeping keys found on the left only when
    /// `keepLeft` and on the right only when `keepRight`; `output` makes a row
    /// from a key and its two values (nil for a side without the key).
    init(left: RDD<(K, V)>, right: RDD<(K, W)>, placement: KeyPlacement<K>, operatorName: String,
         keepLeft: Bool, keepRight: Bool, output: @escaping @Sendable (K, V?, W?) -> Output) {
        let leftSide = CoGroupSide(left, placement: placement), rightSide = CoGroupSide(right, placement: placement)
        self.left = leftSide
        self.right = rightSide
        self.join = { split, task in
            let (probe, build) = try await CoGroupSide.both(leftSide, rightSide, split, task)
            var join = HashJoin(probe: probe, build: build, task: task, keepLeft: keepLeft, keepRight: keepRight)
            return Records {
                guard let (key, v, w) = try join.next() else { return nil }
                return output(key, v, w)
            }
        }
        super.init(context: left.context, partitionCount: placement.partitionCount,
                   dependencies: [leftSide.dependency, rightSide.dependency], operatorName: operatorName,
                   partitioner: placement.partitioner)
    }

    deinit {
        for shuffleId in [left.shuffleId, right.shuffleId].compactMap({ $0 }) { context.releaseShuffle(shuffleId) }
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Output> {
        try await join(split, task)
    }
}

/// The record loop of one partition of a hash join: a state machine pulled
/// one row at a time. See ``HashJoinedRDD``.
struct HashJoin<K: ShuffleKey, V: WireCodable & Sendable, W: WireCodable & Sendable> {
    private enum Phase {
        /// The right side is not loaded yet.
        case building
        /// Streaming the left side against the table.
        case probing
        /// After the left side, walking the table's keys from `entry` for
        /// those no left record matched (a right outer join only).
        case unmatched(entry: Int)
        /// The table did not fit the budget: both sides were grouped per key
        /// by an ``ExternalMap``, whose groups are being flattened.
        case grouped(Records<(K, CoGroupBuffers<V, W>)>)
        /// Every row was returned.
        case finished
    }

    private var phase = Phase.building
    private var probe: Records<(K, V)>
    private var build: Records<(K, W)>
    private let task: TaskContext
    private let keepLeft: Bool, keepRight: Bool
    private var table = JoinTable<K, W>()
    /// For right outer joins: whether a left record matched each entry of the table.
    private var matched: [Bool] = []
    private let memory: MemoryTracker
    /// Left records read ahead and looked up together (see ``JoinTable/find(_:into:)``),
    /// the table entry of each one's key (-1: none), and the next one to pair.
    private var batchKeys: [K] = [], batchValues: [V] = [], batchEntries: [Int] = []
    private var batchIndex = 0
    /// The record whose matches are being returned, and the indices in the
    /// table's values of the ones left (`cursor..<end`). `current.1` is nil
    /// when walking an unmatched right key.
    private var current: (K, V?)?
    private var cursor = 0, end = 0
    private var pairs = JoinedPairs<K, V, W>()
    private static var batchSize: Int { 64 }

    init(probe: Records<(K, V)>, build: Records<(K, W)>, task: TaskContext, keepLeft: Bool, keepRight: Bool) {
        self.probe = probe
        self.build = build
        self.task = task
        self.keepLeft = keepLeft
        self.keepRight = keepRight
        let memory = MemoryTracker(budget: task.environment.memory, evictsKeptOutputs: true)
        self.memory = memory
        task.onCompletion { memory.releaseAll() }
    }

    /// The next row: a key with its left and right value, nil for a side
    /// without the key (outer joins only).
    @inline(__always)
    mutating func next() throws -> (K, V?, W?)? {
        while true {
            if cursor < end, let (key, value) = current {
                let w = table.value(at: cursor)
                cursor += 1
                return (key, value, w)
            }
            switch phase {
            case .probing:
                if batchIndex == batchKeys.count {
                    try readBatch()
                    if batchKeys.isEmpty {
                        phase = keepRight ? .unmatched(entry: 0) : .finished
                        continue
                    }
                }
                let i = batchIndex
                batchIndex += 1
                let entry = batchEntries[i]
                if entry >= 0 {
                    if keepRight { matched[entry] = true }
                    current = (batchKeys[i], batchValues[i])
                    (cursor, end) = table.valueRange(of: entry).bounds
                } else if keepLeft {
                    return (batchKeys[i], batchValues[i], nil)
                }
            case .building:
                try load()
            case .unmatched(let entry):
                guard entry < table.keyCount else {
                    finish()
                    continue
                }
                phase = .unmatched(entry: entry + 1)
                if !matched[entry] {
                    current = (table.key(of: entry), nil)
                    (cursor, end) = table.valueRange(of: entry).bounds
                }
            case .grouped(var groups):
                if let row = pairs.next() { return row }
                guard let (key, buffers) = try groups.next() else {
                    finish()
                    continue
                }
                pairs.start(key, buffers.left, buffers.right, keepLeft: keepLeft, keepRight: keepRight)
                phase = .grouped(groups)
            case .finished:
                return nil
            }
        }
    }

    /// Reads the next batch of left records and looks their keys up.
    private mutating func readBatch() throws {
        batchKeys.removeAll(keepingCapacity: true)
        batchValues.removeAll(keepingCapacity: true)
        batchIndex = 0
        while batchKeys.count < Self.batchSize, let (key, value) = try probe.next() {
            batchKeys.append(key)
            batchValues.append(value)
        }
        table.find(batchKeys, into: &batchEntries)
    }

    /// Loads the right side into the table, or groups both sides when the
    /// budget refuses the table room.
    private mutating func load() throws {
        let codec = RecordCodec<(K, W)>.pair(K.self, W.self)
        var records = 0
        while let (key, value) = try build.next() {
            table.insert(key, hash: key.stableHash, value)
            records += 1
            if records & 1023 == 0, !memory.fits(entries: records, sample: (key, value), codec: codec) {
                try groupBothSides()
                return
            }
        }
        if table.keyCount == 0 && !keepLeft {
            // Nothing can match and no left row is kept alone: the left side need not be read.
            finish()
            return
        }
        table.seal()
        if keepRight { matched = Array(repeating: false, count: table.keyCount) }
        phase = .probing
    }

    /// Gives up on the table: its keys and values seed an ``ExternalMap`` that
    /// groups the rest of both sides and spills as the budget requires.
    private mutating func groupBothSides() throws {
        var loaded = table
        table = JoinTable()
        loaded.seal()
        memory.releaseAll()
        let groups = try CoGroupBuffers.group(&probe, &build, task) { map in
            for entry in 0..<loaded.keyCount {
                try map.insert(loaded.key(of: entry), CoGroupBuffers(left: [], right: loaded.values(of: entry)))
            }
        }
        phase = .grouped(groups)
    }

    private mutating func finish() {
        phase = .finished
        table = JoinTable()
        matched = []
        batchKeys = []
        batchValues = []
        memory.releaseAll()
    }
}

/// The pairs of values of one key in a join: every left value with every right
/// value, left in the outer loop; an empty side kept by an outer join counts as
/// one nil. Walks the two arrays by index, so no pair is stored.
struct JoinedPairs<K, V, W> {
    private var key: K?
    private var left: [V] = [], right: [W] = []
    private var leftCount = 0, rightCount = 0
    private var i = 0, j = 0

    mutating func start(_ key: K, _ left: [V], _ right: [W], keepLeft: Bool, keepRight: Bool) {
        self.key = key
        self.left = left
        self.right = right
        // A side with no values pairs the other's with nil only if the other side is kept.
        leftCount = left.isEmpty && keepRight ? 1 : left.count
        rightCount = right.isEmpty && keepLeft ? 1 : right.count
        i = 0
        j = 0
    }

    mutating func next() -> (K, V?, W?)? {
        guard let key, i < leftCount, j < rightCount else { return nil }
        let pair = (key, left.isEmpty ? nil : left[i], right.isEmpty ? nil : right[j])
        j += 1
        if j == rightCount {
            j = 0
            i += 1
        }
        return pair
    }
}

private extension Range<Int> {
    /// The lower and upper bound.
    var bounds: (Int, Int) { (lowerBound, upperBound) }
}
