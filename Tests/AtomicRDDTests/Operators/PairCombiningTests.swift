import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// Aggregations by key over more distinct keys per map task than the
    /// map-side combiner combines directly (32 768), so records are staged by
    /// hash range, and over more keys per reducer than the reduce side keeps
    /// in one table, so it splits its table by hash range: exact results with
    /// room to spare, and under a budget that forces spills on both sides.
    @Suite struct PairCombiningTests {
        typealias F = ClusterFunctions
        typealias S = SuitePairFunctions
        /// 48 000 distinct keys over 120 000 records, a fifth of them on key 7:
        /// two map tasks of 60 000 records, each with every key. (7919 is prime
        /// to 60 000, so `i * 7919 % 60 000` takes each value once per 60 000
        /// records; the multiples of 5 among `i`, which would give the 12 000
        /// multiples of 5, go to key 7, one of the others.)
        static let keyCount = 48_000
        static let pairs: [(Int, Int)] = (0..<120_000).map { i in (i % 5 == 0 ? 7 : (i * 7919) % 60_000, i) }

        /// ``pairs``, made in the tasks (not shipped from the driver) in `partitions` partitions.
        static func pairs(_ sc: Context, partitions: Int) -> RDD<(Int, Int)> {
            sc.range(0, 120_000, numPartitions: partitions).map(S.SkewedKey(every: 5, hot: 7, multiplier: 7919, modulus: 60_000))
        }

        static var expectedSums: [Int: Int] {
            Expected.grouped(pairs).mapValues { $0.reduce(0, +) }
        }

        @Test(arguments: EngineSetup.shippable)
        func manyKeysPerMapTaskSumExactly(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let rdd = Self.pairs(sc, partitions: 2)
                let one = try await rdd.reduceByKey(numPartitions: 1, F.Sum()).collect()
                #expect(one.count == Self.keyCount)
                #expect(Dictionary(uniqueKeysWithValues: one) == Self.expectedSums)
                let three = try await rdd.reduceByKey(numPartitions: 3, F.Sum()).collect()
                #expect(Dictionary(uniqueKeysWithValues: three) == Self.expectedSums)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func manyKeysPerMapTaskSpillAndSumExactly(setup: EngineSetup) async throws {
            // 1.5 MiB: room for the staging buffers (an eighth of the budget), not
            // for a map task's table of 48 000 keys, nor for the reducer's, even
            // with the map outputs kept in memory moved to disk.
            try await setup.run(memory: 3 << 19) { sc in
                let before = await sc.spills()
                let sums = try await Self.pairs(sc, partitions: 2).reduceByKey(numPartitions: 1, F.Sum()).collect()
                #expect(await sc.spills() > before, "nothing spilled under a budget of 1.5 MiB")
                #expect(sums.count == Self.keyCount)
                #expect(Dictionary(uniqueKeysWithValues: sums) == Self.expectedSums)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func manyKeysGroupInArrivalOrderPerMapTask(setup: EngineSetup) async throws {
            try await setup.run { sc in
                // One map task: a key's values are grouped in input order.
                let groups = try await Self.pairs(sc, partitions: 1).groupByKey(numPartitions: 2).collect()
                #expect(Dictionary(uniqueKeysWithValues: groups) == Expected.grouped(Self.pairs))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func emptyAndTinyPartitionsBesideLargeOnes(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let empty = try await sc.parallelize([(Int, Int)](), numPartitions: 3).reduceByKey(F.Sum()).collect()
                #expect(empty.isEmpty)
                // More partitions than elements, with duplicate keys.
                let tiny = [(1, 1), (1, 2), (2, 3)]
                let sums = try await sc.parallelize(tiny, numPartitions: 8).reduceByKey(numPartitions: 5, F.Sum()).collect()
                #expect(Dictionary(uniqueKeysWithValues: sums) == [1: 3, 2: 3])
                // A union of a large partition with empty ones.
                let mixed = Self.pairs(sc, partitions: 1).union(sc.parallelize([(Int, Int)](), numPartitions: 2))
                let mixedSums = try await mixed.reduceByKey(numPartitions: 4, F.Sum()).collect()
                #expect(Dictionary(uniqueKeysWithValues: mixedSums) == Self.expectedSums)
            }
        }
    }
}
