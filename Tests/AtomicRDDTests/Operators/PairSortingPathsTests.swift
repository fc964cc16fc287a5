import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// The two sort paths of sorting shuffles (radix for integer and `Double`
    /// keys, comparisons for others), in memory and spilling.
    @Suite struct PairSortingPathsTests {
        /// Pairs a few times a 64 KiB budget, so map tasks spill sorted runs.
        static let count = 20_000
        static let budget = 64 << 10

        @Test(arguments: EngineSetup.shippable)
        func radixKeysSortBothWaysWhileSpilling(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                // Negative, duplicated and extreme keys.
                let pairs = (0..<Self.count).map { i -> (Int, Int) in
                    let key = i % 97 == 0 ? (i % 2 == 0 ? Int.max : Int.min) : ((i * 7919) % 5003 - 2500) * 1_000_003
                    return (key, i)
                }
                let rdd = sc.parallelize(pairs, numPartitions: 4)
                for ascending in [true, false] {
                    let before = await sc.spills()
                    let sorted = try await rdd.sortByKey(ascending: ascending, numPartitions: 3).collect()
                    #expect(await sc.spills() > before, "nothing spilled under \(Self.budget) bytes")
                    let keys = pairs.map(\.0).sorted()
                    #expect(sorted.map(\.0) == (ascending ? keys : keys.reversed()))
                    #expect(sorted.map(\.1).sorted() == Array(0..<Self.count))
                    #expect(sorted.allSatisfy { pairs[$0.1].0 == $0.0 })
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func doubleKeysSortByRadix(setup: EngineSetup) async throws {
            try await setup.run { sc in
                var pairs: [(Double, Int)] = (0..<3000).map { i in (Double((i * 7919) % 3001 - 1500) / 8, i) }
                pairs += [(-Double.infinity, -1), (Double.infinity, -2)]
                for ascending in [true, false] {
                    let sorted = try await sc.parallelize(pairs, numPartitions: 3).sortByKey(ascending: ascending).collect()
                    let keys = pairs.map(\.0).sorted()
                    #expect(sorted.map(\.0) == (ascending ? keys : keys.reversed()))
                    #expect(Set(sorted.map(\.1)) == Set(pairs.map(\.1)))
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func comparableKeysSortByComparisonsWhileSpilling(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                let pairs = (0..<Self.count).map { ("k\(($0 * 7919) % 3001)", $0) }
                let rdd = sc.parallelize(pairs, numPartitions: 4)
                for ascending in [true, false] {
                    let before = await sc.spills()
                    let sorted = try await rdd.sortByKey(ascending: ascending, numPartitions: 3).collect()
                    #expect(await sc.spills() > before, "nothing spilled under \(Self.budget) bytes")
                    let keys = pairs.map(\.0).sorted()
                    #expect(sorted.map(\.0) == (ascending ? keys : keys.reversed()))
                    #expect(sorted.map(\.1).sorted() == Array(0..<Self.count))
                }
                let parts = try await rdd.repartitionAndSortWithinPartitions(partitioner: HashPartitioner(partitions: 3))
                    .glom().collect()
                #expect(parts.allSatisfy { $0.map(\.0) == $0.map(\.0).sorted() })
                #expect(parts.flatMap { $0 }.map(\.1).sorted() == Array(0..<Self.count))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortByOrdersValuesByComputedKeys(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.budget) { sc in
                let values = (0..<Self.count).map { ($0 * 7919) % Self.count }
                let rdd = try await sc.parallelize(values, numPartitions: 4).sortBy(ascending: false, numPartitions: 3, SuitePairFunctions.Affine(multiplier: -1))
                let sorted = try await rdd.collect()
                #expect(sorted == values.sorted())
            }
        }
    }
}
