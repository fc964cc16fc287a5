import Synchronization
import Testing
@testable import AtomicRDD

extension EngineSuite {
/// The map-side combiner, without an engine: whether it combines directly or
/// stages records by hash range, every reducer's bucket holds each of its keys
/// once with all its values merged in arrival order, and the staging memory
/// goes back to the budget.
@Suite struct RangeCombinerTests {
    /// Skewed (key 7 holds a quarter of the values), duplicated and negative
    /// keys: 1 301 distinct keys over 6 000 records.
    static let pairs: [(Int, Int)] = (0..<6_000).map { i in (i % 4 == 0 ? 7 : (i * 7919) % 1_301 - 650, i) }

    /// Appends values, so a test sees both what was merged and in which order.
    static let grouping = Aggregator<Int, [Int]>(createCombiner: { [$0] }, mergeValue: { $0.append($1) },
                                                 mergeCombiners: { $0.append(contentsOf: $1) })

    /// The values of each key by reducer (`stableHash % reducers`), in input order.
    static func expected(_ pairs: [(Int, Int)], reducers: Int) -> [[Int: [Int]]] {
        var buckets = Array(repeating: [Int: [Int]](), count: reducers)
        for (key, value) in pairs { buckets[Int(key.stableHash % UInt64(reducers))][key, default: []].append(value) }
        return buckets
    }

    /// Adds `pairs`, then takes every reducer's bucket.
    static func combine(_ pairs: [(Int, Int)], into combiner: inout RangeCombiner<Int, Int, [Int]>) throws -> [[Int: [Int]]] {
        for (key, value) in pairs {
            let hash = key.stableHash
            try combiner.add(key, hash: hash, reducer: Int(hash % UInt64(combiner.reducers)), value)
        }
        try combiner.flushAll()
        return try (0..<combiner.reducers).map { r in
            let bucket = combiner.takeBucket(r)
            #expect(Set(bucket.map(\.0)).count == bucket.count, "reducer \(r) holds a key twice")
            for (key, _) in bucket { #expect(Int(key.stableHash % UInt64(combiner.reducers)) == r, "key \(key) in reducer \(r)") }
            return try Dictionary(bucket, uniquingKeysWith: { _, _ in throw Duplicate() })
        }
    }

    struct Duplicate: Error {}

    @Test(arguments: [1, 3, 6, 700])
    func stagedCombiningMergesEveryValueInArrivalOrder(reducers: Int) throws {
        let budget = MemoryBudget(capacity: 64 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: reducers, aggregator: Self.grouping, budget: budget,
                                                     stagingThreshold: 100, maxRanges: 64, stagingBytes: 1 << 20)
        let buckets = try Self.combine(Self.pairs, into: &combiner)
        #expect(combiner.isStaging, "more keys than the threshold, and room for the buffers: records should be staged")
        #expect(combiner.rangeCount == max(1, 64 / reducers).nextPowerOfTwoAtMost, "ranges per reducer")
        #expect(buckets == Self.expected(Self.pairs, reducers: reducers))
        #expect(combiner.count == 0)
        combiner.stopStaging()
        #expect(budget.usedBytes == 0, "staging memory not returned")
    }

    @Test func refusedStagingCombinesDirectly() throws {
        // Buffers of fewer than 16 records are not worth staging.
        let budget = MemoryBudget(capacity: 64 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 4, aggregator: Self.grouping, budget: budget,
                                                     stagingThreshold: 100, maxRanges: 64, stagingBytes: 1 << 10)
        #expect(try Self.combine(Self.pairs, into: &combiner) == Self.expected(Self.pairs, reducers: 4))
        #expect(!combiner.isStaging)
        // A budget too small for the buffers.
        let tiny = MemoryBudget(capacity: 4 << 10)
        var refused = RangeCombiner<Int, Int, [Int]>(reducers: 4, aggregator: Self.grouping, budget: tiny,
                                                    stagingThreshold: 100, maxRanges: 64, stagingBytes: 1 << 20)
        #expect(try Self.combine(Self.pairs, into: &refused) == Self.expected(Self.pairs, reducers: 4))
        #expect(!refused.isStaging)
        #expect(tiny.usedBytes == 0)
    }

    @Test func bucketsTakenMidwayAndTheRestTogetherHoldEveryValue() throws {
        // As a spill does: take every bucket after part of the input, go on, take them again.
        let budget = MemoryBudget(capacity: 64 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 3, aggregator: Self.grouping, budget: budget,
                                                     stagingThreshold: 100, maxRanges: 64, stagingBytes: 1 << 20)
        let first = try Self.combine(Array(Self.pairs[..<2_500]), into: &combiner)
        #expect(combiner.isStaging)
        let second = try Self.combine(Array(Self.pairs[2_500...]), into: &combiner)
        let merged = zip(first, second).map { $0.merging($1) { $0 + $1 } }
        #expect(merged == Self.expected(Self.pairs, reducers: 3))
        combiner.stopStaging()
        #expect(budget.usedBytes == 0)
    }

    @Test(arguments: [4, 6, 100])
    func theDefaultsStageAtMost64RangesAndCombineEveryValue(reducers: Int) throws {
        // 40 000 distinct keys (past the default threshold), each seen twice.
        let pairs: [(Int, Int)] = (0..<80_000).map { i in ((i % 40_000) * 7 - 3, i) }
        let budget = MemoryBudget(capacity: 256 << 20)
        let summing = Aggregator<Int, Int>.reducing(+)
        var combiner = RangeCombiner<Int, Int, Int>(reducers: reducers, aggregator: summing, budget: budget)
        for (key, value) in pairs {
            let hash = key.stableHash
            try combiner.add(key, hash: hash, reducer: Int(hash % UInt64(reducers)), value)
        }
        #expect(combiner.isStaging)
        #expect(combiner.rangeCount == max(1, 64 / reducers).nextPowerOfTwoAtMost)
        try combiner.flushAll()
        var expected = Array(repeating: [Int: Int](), count: reducers)
        for (key, value) in pairs { expected[Int(key.stableHash % UInt64(reducers))][key, default: 0] += value }
        for r in 0..<reducers {
            let bucket = combiner.takeBucket(r)
            #expect(bucket.count == expected[r].count, "reducer \(r): one record per key")
            #expect(Dictionary(bucket, uniquingKeysWith: +) == expected[r])
        }
        combiner.stopStaging()
        #expect(budget.usedBytes == 0)
    }

    @Test func keysRepeatedOftenAreCombinedDirectlyUntilNewKeysStopRepeating() throws {
        // Each key ten times in a row: past the threshold, records repeat their
        // keys far more than a spread-out key set does, so no staging.
        let repeated: [(Int, Int)] = (0..<3_000).map { i in (i / 10, i) }
        // Then keys seen once each: by the next check the new records barely repeat.
        let spread: [(Int, Int)] = (0..<2_000).map { i in (100_000 + i * 13, i) }
        let budget = MemoryBudget(capacity: 64 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 3, aggregator: Self.grouping, budget: budget,
                                                     stagingThreshold: 100, maxRanges: 64, stagingBytes: 1 << 20)
        let first = try Self.combine(repeated, into: &combiner)
        #expect(!combiner.isStaging, "300 keys, 10 records each: combined directly")
        let second = try Self.combine(spread, into: &combiner)
        #expect(combiner.isStaging, "2,000 more keys, 1 record each: staged")
        let merged = zip(first, second).map { $0.merging($1) { $0 + $1 } }
        #expect(merged == Self.expected(repeated + spread, reducers: 3))
        combiner.stopStaging()
        #expect(budget.usedBytes == 0)
    }

    @Test func fewerRecordsThanThePrefetchDistanceAreCombinedByTheFlush() throws {
        // Every record still waits behind its prefetch until `flushAll`.
        let few = Array(Self.pairs.prefix(RangeCombiner<Int, Int, [Int]>.prefetchDistance - 1))
        let budget = MemoryBudget(capacity: 1 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 2, aggregator: Self.grouping, budget: budget,
                                                     prefetchFromKeys: 0)
        #expect(combiner.isPrefetching)
        for (key, value) in few {
            let hash = key.stableHash
            try combiner.add(key, hash: hash, reducer: Int(hash % 2), value)
        }
        #expect(combiner.count == 0, "records waiting on their prefetch are not in the tables yet")
        try combiner.flushAll()
        #expect(combiner.count == Set(few.map(\.0)).count)
        let buckets = (0..<2).map { r in Dictionary(uniqueKeysWithValues: combiner.takeBucket(r)) }
        #expect(buckets == Self.expected(few, reducers: 2))
    }

    @Test func prefetchingStartsPastItsKeyCountAndStopsWhenKeysRepeat() throws {
        // Record i draws its key from the first i/10 + 1 of 300 keys: the first
        // check (at 100 keys) finds about 10 records a key and turns
        // prefetching off, with records still waiting behind their prefetches;
        // every key's values keep their arrival order.
        let repeated = (0..<6_000).map { i in (Int(UInt64(i).stableHash % UInt64(min(300, i / 10 + 1))), i) }
        let budget = MemoryBudget(capacity: 64 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 3, aggregator: Self.grouping, budget: budget,
                                                     stagingThreshold: 100, prefetchFromKeys: 50)
        #expect(!combiner.isPrefetching, "fewer keys than prefetchFromKeys")
        var prefetched = false
        for (key, value) in repeated {
            let hash = key.stableHash
            try combiner.add(key, hash: hash, reducer: Int(hash % 3), value)
            prefetched = prefetched || combiner.isPrefetching
        }
        #expect(prefetched, "50 keys reached: prefetching should have started")
        #expect(!combiner.isPrefetching, "keys repeating 20 times: prefetching should have stopped")
        #expect(!combiner.isStaging)
        try combiner.flushAll()
        let buckets = (0..<3).map { r in Dictionary(uniqueKeysWithValues: combiner.takeBucket(r)) }
        #expect(buckets == Self.expected(repeated, reducers: 3))
    }

    @Test func recordsStillWaitingAreReleasedWithTheCombiner() throws {
        // A task that fails mid-partition drops its combiner without a flush.
        final class Tracked: Sendable {
            static let live = Mutex(0)
            init() { Self.live.withLock { $0 += 1 } }
            deinit { Self.live.withLock { $0 -= 1 } }
        }
        let budget = MemoryBudget(capacity: 1 << 20)
        let collecting = Aggregator<Tracked, [Tracked]>(createCombiner: { [$0] }, mergeValue: { $0.append($1) },
                                                        mergeCombiners: { $0.append(contentsOf: $1) })
        let before = Tracked.live.withLock { $0 }
        do {
            var combiner = RangeCombiner<Int, Tracked, [Tracked]>(reducers: 3, aggregator: collecting, budget: budget,
                                                                 prefetchFromKeys: 0)
            for key in 0..<(RangeCombiner<Int, Tracked, [Tracked]>.prefetchDistance + 5) {
                try combiner.add(key, hash: key.stableHash, reducer: key % 3, Tracked())
            }
            #expect(combiner.count == 5, "all but the waiting records combined")
            #expect(Tracked.live.withLock { $0 } - before == RangeCombiner<Int, Tracked, [Tracked]>.prefetchDistance + 5)
        }
        #expect(Tracked.live.withLock { $0 } == before, "records or combiners leaked")
    }

    @Test func anEmptyInputGivesEmptyBuckets() throws {
        let budget = MemoryBudget(capacity: 1 << 20)
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 5, aggregator: Self.grouping, budget: budget)
        #expect(try Self.combine([], into: &combiner).allSatisfy(\.isEmpty))
        #expect(combiner.sample == nil)
    }

    @Test func aThrowingAggregatorFailsTheAdd() throws {
        struct Refused: Error {}
        let budget = MemoryBudget(capacity: 64 << 20)
        let failing = Aggregator<Int, [Int]>(createCombiner: { [$0] },
                                             mergeValue: { if $1 == 5_000 { throw Refused() } else { $0.append($1) } },
                                             mergeCombiners: { $0.append(contentsOf: $1) })
        var combiner = RangeCombiner<Int, Int, [Int]>(reducers: 2, aggregator: failing, budget: budget,
                                                     stagingThreshold: 100, maxRanges: 16, stagingBytes: 1 << 20)
        #expect(throws: Refused.self) { _ = try Self.combine(Self.pairs, into: &combiner) }
    }
}
}

extension Int {
    /// The greatest power of two not above this (positive) number.
    fileprivate var nextPowerOfTwoAtMost: Int { 1 << (Int.bitWidth - 1 - leadingZeroBitCount) }
}
