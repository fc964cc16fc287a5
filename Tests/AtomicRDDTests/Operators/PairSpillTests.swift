import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// Pair operations on data many times the executor's memory budget: they must
    /// spill to disk and still give exact results.
    @Suite struct PairSpillTests {
        typealias F = ClusterFunctions
        /// 30 000 pairs of two integers: about 480 KB in memory, against a 64 KiB
        /// budget; each task spills several runs and merges them back.
        static let count = 30_000
        static let budget = 64 << 10

        @Test(arguments: EngineSetup.shippable)
        func reduceByKeySpillsAndSumsExactly(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                let keys = 7_500
                let sums = try await spilling(sc) {
                    try await sc.range(0, Self.count, numPartitions: 4).map(F.ModuloKey(modulus: keys)).reduceByKey(F.Sum()).collect()
                }
                var expected: [Int: Int] = [:]
                for i in 0..<Self.count { expected[i % keys, default: 0] += i }
                #expect(sums.count == keys)
                #expect(Dictionary(uniqueKeysWithValues: sums) == expected)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func groupByKeySpillsAndGathersEveryValue(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                let keys = 3_000
                let groups = try await spilling(sc) {
                    try await sc.range(0, Self.count, numPartitions: 4).map(F.ModuloKey(modulus: keys)).groupByKey(numPartitions: 3).collect()
                }
                #expect(groups.count == keys)
                for (key, values) in groups {
                    #expect(values.sorted() == Array(stride(from: key, to: Self.count, by: keys)), "key \(key)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortByKeySpillsAndOrdersEveryPair(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                // 7919 is prime to the count, so the keys are a permutation of 0..<count.
                let sorted = try await spilling(sc) {
                    try await sc.range(0, Self.count, numPartitions: 4).map(F.PermutedKey(multiplier: 7919, modulus: Self.count))
                        .sortByKey(numPartitions: 3).collect()
                }
                #expect(sorted.map(\.0) == Array(0..<Self.count))
                #expect(sorted.allSatisfy { ($0.1 * 7919) % Self.count == $0.0 })
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func joinSpillsAndPairsEveryValue(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                let keys = 7_500
                let left = sc.range(0, Self.count, numPartitions: 4).map(F.ModuloKey(modulus: keys))
                let right = sc.range(0, keys, numPartitions: 2).map(F.WithNegation())
                let joined = try await spilling(sc) { try await left.join(right, numPartitions: 3).collect() }
                #expect(joined.count == Self.count)
                #expect(joined.allSatisfy { $0.1.0 % keys == $0.0 && $0.1.1 == -$0.0 })
                #expect(joined.map(\.1.0).sorted() == Array(0..<Self.count))
            }
        }

        /// Runs `body` and checks that its jobs spilled to disk.
        private func spilling<T>(_ sc: Context, _ body: () async throws -> T) async throws -> T {
            let before = await sc.spills()
            let result = try await body()
            #expect(await sc.spills() > before, "nothing spilled under a budget of \(Self.budget) bytes")
            return result
        }
    }
}
