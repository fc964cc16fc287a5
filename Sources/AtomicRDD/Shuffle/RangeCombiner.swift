/// The map-side combining of one map task: a ``CombineTable`` per reducer
/// and, once the keys outgrow the cache, per hash range within each reducer,
/// with records staged per range so that each table is updated while it sits
/// in the cache.
///
/// A map task over a large key set (a million distinct keys) combines into
/// tables far larger than the cache, so every record of one plain table per
/// reducer waits on a cache miss or more (its slot, and the page walk). Once
/// the tables hold more than `stagingThreshold` keys, the combiner splits each
/// reducer's keys into `rangesPerReducer` ranges by the high bits of their
/// scrambled hash (``HashOrder``), each range with its own table, and
/// appends records to a small buffer per range (appends to a few dozen
/// buffers stay in the cache); a buffer that fills is combined into its
/// range's table in one go, while that table, a few thousand keys, sits in L2.
/// Keys that repeat often (the words of a text) are combined directly even
/// past the threshold: their frequent keys' slots stay in the cache anyway
/// (see ``repeatsForDirectCombining``). Between `prefetchFromKeys` keys (16K,
/// past what L1 and L2 hold of a table) and the first check, a record
/// combined directly waits behind ``prefetchDistance`` others, its home slot
/// prefetched when it arrives, so that the misses of a large key set overlap
/// instead of stalling each record in turn. Once the keys turn out to repeat
/// often, records are combined as they come: measured on word count of the
/// reference text.txt, the prefetches and the wait cost 5–7% of the job's
/// CPU and saved nothing, the frequent keys' slots being in the cache.
///
/// ```
/// record ──hash──▶ reducer r, range s ──append──▶ staged[r·S + s]
///                                                   │ full: combine all at once
///                                                   ▼
///                                              tables[r·S + s]   (cache-sized)
/// bucket of reducer r = tables[r·S] ++ tables[r·S + 1] ++ … ++ tables[r·S + S − 1]
/// ```
///
/// The staging buffers are taken from the memory budget, without evicting
/// cached blocks, when staging begins; when the budget refuses them the
/// records keep being combined directly. The values of a key are merged in
/// arrival order either way (a key's records all go to one range's buffer).
///
/// - Complexity: amortized O(1) per record; the tables hold one entry per
///   distinct key and reducer.
struct RangeCombiner<K: ShuffleKey, V, C> {
    /// A record waiting in its range's buffer, with its key's hash.
    typealias Staged = (key: K, value: V, hash: UInt64)
    /// A record waiting for its home slot to reach the cache, with its key's hash and reducer.
    typealias Pending = (key: K, value: V, hash: UInt64, reducer: Int)

    let reducers: Int
    private let aggregator: Aggregator<V, C>
    /// The number of keys in the tables.
    private(set) var count = 0
    /// Reducer r's keys are in tables r·S ..< (r + 1)·S, where S is 1 until staging begins.
    private var tables: [CombineTable<K, C>]
    private var rangesPerReducer = 1
    // The range within a reducer is `HashOrder.range(hash, bits: rangeBits)`.
    private var rangeBits = 0
    private var staged: StagingBuffers<Staged>?
    // Records per staging buffer; 0 while not staging.
    private var stageCapacity = 0
    private var stagingRefused = false
    private let staging: MemoryTracker
    private let stagingThreshold: Int
    // Staging is considered when the tables outgrow `nextCheck` keys, from the
    // records combined directly since the last check (`recordsAtCheck`, `keysAtCheck`).
    private var nextCheck: Int
    private var records = 0
    private var recordsAtCheck = 0
    private var keysAtCheck = 0
    private let maxRanges: Int
    private let stagingBytes: Int
    // The table last written, for a sample entry.
    private var lastTable = 0
    // Records combined directly wait here for `prefetchDistance` more records
    // (see ``add(_:hash:reducer:_:create:merge:)``).
    private let pending: PendingRecords<Pending>
    // True while records combined directly wait behind their prefetches: from
    // `prefetchFromKeys` keys on, until the keys turn out to repeat often.
    private var prefetching: Bool
    private let prefetchFromKeys: Int
    /// The heap bytes a record holds beyond its inline size (a long string's
    /// bytes), as the caller's memory estimates find them; staging buffers are
    /// sized with it.
    var heapBytesPerRecord = 0

    /// A combiner for `reducers` reduce partitions.
    ///
    /// - Parameters:
    ///   - stagingThreshold: the number of keys beyond which records are staged
    ///     by range (a little more than the L2 cache holds).
    ///   - maxRanges: the most ranges across all reducers (buffers written at
    ///     once). 64 by default: the line each buffer is appended to then stays
    ///     in L1, and each buffer holds more records per line of its table when
    ///     it is flushed. Measured against 512 (the earlier default): 7 of 8
    ///     paired runs faster, about 12% less CPU on word count of a Zipf-like
    ///     text (4 reducers) and 5% on a million uniform keys (6 reducers).
    ///   - stagingBytes: the memory to ask for the staging buffers.
    ///   - prefetchFromKeys: the number of keys from which records combined
    ///     directly are prefetched (0: from the first record), until the keys
    ///     turn out to repeat often.
    init(reducers: Int, aggregator: Aggregator<V, C>, budget: MemoryBudget,
         stagingThreshold: Int = 1 << 15, maxRanges: Int = 64, stagingBytes: Int? = nil, prefetchFromKeys: Int = 1 << 14) {
        self.reducers = reducers
        self.aggregator = aggregator
        // Tables of their own from the start: a table's prefetches go to its own slots.
        tables = (0..<reducers).map { _ in CombineTable() }
        staging = MemoryTracker(budget: budget, overheadPerEntry: 0)
        pending = PendingRecords(capacity: Self.prefetchDistance)
        self.prefetchFromKeys = prefetchFromKeys
        prefetching = prefetchFromKeys == 0
        self.stagingThreshold = stagingThreshold
        nextCheck = stagingThreshold
        self.maxRanges = maxRanges
        // An eighth of the budget at most, so that staging never crowds out the tables.
        self.stagingBytes = stagingBytes ?? min(32 << 20, budget.capacity / 8)
    }

    /// True while records are staged by range.
    var isStaging: Bool { stageCapacity > 0 }
    /// The number of hash ranges each reducer's keys are split into.
    var rangeCount: Int { rangesPerReducer }
    /// True while records combined directly wait behind their prefetches.
    var isPrefetching: Bool { prefetching }

    /// Adds a record whose key hashes to `hash` and belongs to reducer `reducer`.
    ///
    /// - Throws: what the aggregator's functions throw.
    @inline(__always)
    mutating func add(_ key: K, hash: UInt64, reducer: Int, _ value: V) throws {
        try add(key, hash: hash, reducer: reducer, value, create: aggregator.createCombiner, merge: aggregator.mergeValue)
    }

    /// ``add(_:hash:reducer:_:)`` with the aggregator's functions given by the
    /// caller, who reads them once for all its records (reading a stored
    /// closure costs a retain and a release) and may pass ``Aggregator/combineValue``
    /// in a closure of its own, so that a record costs one call of the user's function.
    ///
    /// - Throws: what `create` and `merge` throw.
    @inline(__always)
    mutating func add(_ key: K, hash: UInt64, reducer: Int, _ value: V,
                      create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        if stageCapacity == 0 {
            guard prefetching else { return try combine((key, value, hash, reducer), create: create, merge: merge) }
            tables[reducer].prefetch(hash)
            guard let oldest = pending.push((key, value, hash, reducer)) else { return }
            try combine(oldest, create: create, merge: merge)
            return
        }
        let range = reducer &* rangesPerReducer &+ HashOrder.range(hash, bits: rangeBits)
        if staged.unsafelyUnwrapped.append((key, value, hash), to: range) == stageCapacity {
            try flush(range, create: create, merge: merge)
        }
    }

    /// A key with its combiner from the table written last, as a sample for memory estimates.
    var sample: (K, C)? {
        guard let entry = tables[lastTable].last else { return nil }
        return (entry.key, entry.value)
    }

    /// Combines every staged record into the tables.
    ///
    /// - Throws: what the aggregator's functions throw.
    mutating func flushAll() throws {
        let create = aggregator.createCombiner, merge = aggregator.mergeValue
        try flushAll(create: create, merge: merge)
    }

    /// ``flushAll()`` with the aggregator's functions given by the caller, as
    /// ``add(_:hash:reducer:_:create:merge:)`` takes them.
    ///
    /// - Throws: what `create` and `merge` throw.
    @inline(__always)
    mutating func flushAll(create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        while let oldest = pending.popOldest() { try combine(oldest, create: create, merge: merge) }
        guard let staged else { return }
        for range in 0..<staged.buffers where staged.count(of: range) > 0 { try flush(range, create: create, merge: merge) }
    }

    /// Gives the staging buffers and their memory back; records are combined
    /// directly from here on. Call ``flushAll()`` first.
    mutating func stopStaging() {
        if let staged {
            precondition((0..<staged.buffers).allSatisfy { staged.count(of: $0) == 0 },
                         "Internal inconsistency: staging stopped with records staged")
        }
        staged = nil
        stageCapacity = 0
        stagingRefused = true
        staging.releaseAll()
    }

    /// Moves the combined keys of reducer `r` out, leaving its tables empty.
    /// Staged records are not included: call ``flushAll()`` first.
    mutating func takeBucket(_ r: Int) -> [(K, C)] {
        let ranges = r * rangesPerReducer ..< (r + 1) * rangesPerReducer
        var bucket: [(K, C)] = []
        bucket.reserveCapacity(ranges.reduce(0) { $0 + tables[$1].count })
        for range in ranges {
            tables[range].appendPairs(to: &bucket)
            count -= tables[range].count
            tables[range] = CombineTable(skip: rangeBits)
        }
        return bucket
    }

    /// Combines a record that waited in `pending` into its reducer's table.
    @inline(__always)
    private mutating func combine(_ record: Pending, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        records &+= 1
        let reducer = record.reducer
        if try insert(record, create: create, merge: merge) {
            lastTable = reducer
            if count == prefetchFromKeys && !stagingRefused { prefetching = true }
            if count > nextCheck && !stagingRefused { try considerStaging(create: create, merge: merge) }
        }
    }

    /// Merges `record` into its reducer's table and counts its key if new; returns whether it was.
    @inline(__always)
    private mutating func insert(_ record: Pending, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws -> Bool {
        guard try tables[record.reducer].upsert(record.key, hash: record.hash, record.value, create: create, merge: merge) else {
            return false
        }
        count += 1
        return true
    }

    @inline(__always)
    private mutating func flush(_ range: Int, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        let staged = staged.unsafelyUnwrapped
        // Through the array's buffer, so that no record pays for a uniqueness check of `tables`.
        let added = try tables.withUnsafeMutableBufferPointer { tables in
            var added = 0
            try staged.drain(range) { record in
                if try tables[range].upsert(record.key, hash: record.hash, record.value, create: create, merge: merge) {
                    added += 1
                }
            }
            return added
        }
        count += added
        lastTable = range
    }

    /// The records a record combined directly waits behind, its home slot
    /// prefetched on arrival: enough for the slot to come from L3 or memory
    /// while the records in between are combined.
    static var prefetchDistance: Int { 16 }

    /// The records per new key below which the keys are taken to be spread
    /// over a large set, so that staging pays.
    ///
    /// Drawn uniformly from a set of U keys, D distinct keys take about
    /// U·ln(U / (U − D)) records: fewer than 5 per key up to 99% of the set. A
    /// skewed key set (the words of a text) repeats its frequent keys far more
    /// often, and those keys' slots stay in the cache: staging them would
    /// write and read every record once more for nothing. Measured when the
    /// tables first reach 2^15 keys: about 8.7 records per key in word count
    /// of the reference text.txt (Zipf-like words), 1.05 in the reference
    /// pairs (a million keys).
    static var repeatsForDirectCombining: Int { 4 }

    /// Starts staging if the records combined since the last check repeat
    /// their keys rarely; otherwise checks again when the tables have twice the keys.
    private mutating func considerStaging(create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        let newKeys = count - keysAtCheck, newRecords = records - recordsAtCheck
        if newRecords < newKeys * Self.repeatsForDirectCombining {
            // The records still waiting go into the tables before the tables are
            // split, so that each key's values are merged in arrival order.
            while let oldest = pending.popOldest() { _ = try insert(oldest, create: create, merge: merge) }
            startStaging()
        } else {
            (keysAtCheck, recordsAtCheck, nextCheck) = (count, records, count * 2)
            // Frequent keys' slots stay in the cache: their prefetches are
            // wasted, and so is the wait. The records waiting go in first, so
            // that each key's values are merged in arrival order.
            while let oldest = pending.popOldest() { _ = try insert(oldest, create: create, merge: merge) }
            prefetching = false
        }
    }

    /// Splits the tables by hash range and allocates a buffer per range, if
    /// the budget grants the buffers.
    private mutating func startStaging() {
        var ranges = 1
        while reducers * ranges * 2 <= maxRanges { ranges *= 2 }
        let recordBytes = MemoryLayout<Staged>.stride + max(0, heapBytesPerRecord)
        let capacity = stagingBytes / (recordBytes * reducers * ranges)
        // Buffers of a few records would reload a table for every few records.
        guard capacity >= 16, staging.tryHold(capacity * recordBytes * reducers * ranges) else {
            stagingRefused = true
            return
        }
        rangeBits = ranges.trailingZeroBitCount
        rangesPerReducer = ranges
        stageCapacity = capacity
        // Each table sized for its keys first: they arrive in the order of their
        // home slots, which would pile them up in a table still growing.
        let old = (0..<reducers).map { r in tables[r].takeEntries() }
        var sizes = Array(repeating: 0, count: reducers * ranges)
        for r in 0..<reducers {
            for entry in old[r] { sizes[r * ranges + HashOrder.range(entry.hash, bits: rangeBits)] += 1 }
        }
        var split = sizes.map { CombineTable<K, C>(capacity: $0, skip: rangeBits) }
        for r in 0..<reducers {
            for entry in old[r] {
                split[r * ranges + HashOrder.range(entry.hash, bits: rangeBits)]
                    .upsert(entry.key, hash: entry.hash, entry.value, create: { $0 }, merge: { _, _ in })
            }
        }
        tables = split
        staged = StagingBuffers(buffers: reducers * ranges, capacity: capacity)
    }
}

/// Fixed-capacity buffers of records in one allocation, for ``RangeCombiner``:
/// appending costs a store and a count, with no array's uniqueness or capacity checks.
///
/// A class so that records still staged when a task fails are released with it.
private final class StagingBuffers<Record> {
    /// The number of buffers.
    let buffers: Int
    private let capacity: Int
    private let records: UnsafeMutablePointer<Record>
    private let counts: UnsafeMutablePointer<Int>

    init(buffers: Int, capacity: Int) {
        self.buffers = buffers
        self.capacity = capacity
        records = .allocate(capacity: buffers * capacity)
        counts = .allocate(capacity: buffers)
        counts.initialize(repeating: 0, count: buffers)
    }

    /// The number of records in buffer `buffer`.
    func count(of buffer: Int) -> Int { counts[buffer] }

    /// Appends `record` to `buffer`, which must not be full; returns the buffer's new count.
    @inline(__always)
    func append(_ record: Record, to buffer: Int) -> Int {
        let count = counts[buffer]
        (records + (buffer &* capacity &+ count)).initialize(to: record)
        counts[buffer] = count &+ 1
        return count &+ 1
    }

    /// Moves every record of `buffer` out to `body`, in the order appended, leaving it empty.
    /// If `body` throws, the records not yet moved are released.
    @inline(__always)
    func drain(_ buffer: Int, _ body: (Record) throws -> Void) rethrows {
        let start = records + buffer &* capacity, count = counts[buffer]
        counts[buffer] = 0
        var index = 0
        defer { if index < count { (start + index).deinitialize(count: count - index) } }
        while index < count {
            let record = (start + index).move()
            index += 1
            try body(record)
        }
    }

    deinit {
        for buffer in 0..<buffers { (records + buffer * capacity).deinitialize(count: counts[buffer]) }
        records.deallocate()
        counts.deallocate()
    }
}

/// A first-in, first-out ring of at most `capacity` records, for ``RangeCombiner``'s
/// records waiting on their prefetches: pushing and popping move records, with
/// no array's uniqueness or capacity checks.
///
/// A class so that records still waiting when a task fails are released with it.
private final class PendingRecords<Record> {
    private let capacity: Int
    private let records: UnsafeMutablePointer<Record>
    // The oldest record's index, and the number of records.
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        precondition(capacity > 0, "Internal inconsistency: a ring of \(capacity) records")
        self.capacity = capacity
        records = .allocate(capacity: capacity)
    }

    /// Adds `record`; when the ring was full, moves the oldest record out and returns it.
    @inline(__always)
    func push(_ record: Record) -> Record? {
        if count < capacity {
            var at = head &+ count
            if at >= capacity { at &-= capacity }
            (records + at).initialize(to: record)
            count &+= 1
            return nil
        }
        // Full: the new record takes the oldest one's place, which becomes the newest.
        let oldest = (records + head).move()
        (records + head).initialize(to: record)
        head &+= 1
        if head == capacity { head = 0 }
        return oldest
    }

    /// Moves the oldest record out; nil when empty.
    @inline(__always)
    func popOldest() -> Record? {
        guard count > 0 else { return nil }
        let oldest = (records + head).move()
        head &+= 1
        if head == capacity { head = 0 }
        count &-= 1
        return oldest
    }

    deinit {
        while popOldest() != nil {}
        records.deallocate()
    }
}
