import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PartitioningTests {
        typealias F = ClusterFunctions
        typealias S = SuitePairFunctions

        @Test(arguments: EngineSetup.shippable)
        func coalesceGroupsAdjacentPartitionsWithoutShuffle(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let rdd = sc.parallelize(0..<10, numPartitions: 5)
                let two = rdd.coalesce(2)
                #expect(two.partitionCount == 2)
                #expect(try await two.glom().collect() == [[0, 1, 2, 3], [4, 5, 6, 7, 8, 9]])
                #expect(try await rdd.coalesce(3, shuffle: false).glom().collect() == [[0, 1], [2, 3, 4, 5], [6, 7, 8, 9]])
                #expect(two.toDebugString().components(separatedBy: "+-").count == 1, "coalesce must not shuffle")
                // More partitions than the parent keeps the parent's count; 0 gives 1.
                #expect(rdd.coalesce(50).partitionCount == 5)
                #expect(try await rdd.coalesce(50).collect() == Array(0..<10))
                #expect(try await rdd.coalesce(0).glom().collect() == [Array(0..<10)])
                // More partitions than elements, and an empty RDD.
                #expect(try await sc.parallelize([1, 2], numPartitions: 9).coalesce(4).collect() == [1, 2])
                #expect(try await sc.emptyRDD(of: Int.self).coalesce(3).collect().isEmpty)
                // After a shuffle: each coalesced task reads several reduce partitions.
                let counts = try await rdd.map(S.ResidueWithOne(modulus: 3)).reduceByKey(numPartitions: 6, F.Sum()).coalesce(2).collect()
                #expect(Dictionary(uniqueKeysWithValues: counts) == [0: 4, 1: 3, 2: 3])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func repartitionSpreadsElementsEvenly(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let rdd = sc.parallelize(0..<1000, numPartitions: 3)
                for count in [1, 2, 7, 13] {
                    let spread = rdd.repartition(count)
                    #expect(spread.partitionCount == count)
                    let sizes = try await spread.glom().collect().map(\.count)
                    #expect(sizes.reduce(0, +) == 1000)
                    // Each of the 3 map tasks deals round-robin: at most one more element per task.
                    #expect(sizes.max()! - sizes.min()! <= 3, "sizes \(sizes)")
                    #expect(try await spread.collect().sorted() == Array(0..<1000))
                }
                let few = sc.parallelize(["a", "b", "c", "a"], numPartitions: 1).coalesce(8, shuffle: true)
                #expect(few.partitionCount == 8)
                #expect(try await few.collect().sorted() == ["a", "a", "b", "c"])
                let empty = sc.emptyRDD(of: Int.self).repartition(4)
                #expect(empty.partitionCount == 4)
                #expect(try await empty.collect().isEmpty)
                #expect(sc.parallelize([1]).repartition(0).partitionCount == 1)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortByOrdersElementsAcrossPartitions(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                var random = SplitMix64(seed: 5, stream: 0)
                let values = (0..<500).map { _ in Int(random.next() % 10_000) }
                let rdd = sc.parallelize(values, numPartitions: 4)

                let ascending = try await rdd.sortBy(S.Affine())
                #expect(ascending.partitionCount == 4)
                #expect(try await ascending.collect() == values.sorted())
                try await Self.expectRanges(ascending, increasing: true)

                let descending = try await rdd.sortBy(ascending: false, numPartitions: 3, S.Affine())
                #expect(descending.partitionCount == 3)
                #expect(try await descending.collect() == values.sorted(by: >))
                try await Self.expectRanges(descending, increasing: false)

                let words = sc.parallelize(["pear", "fig", "banana", "kiwi", "apple", "date"], numPartitions: 2)
                #expect(try await words.sortBy(numPartitions: 1, F.Utf8Length()).collect().map(\.count) == [3, 4, 4, 4, 5, 6])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortByHandlesSkewedKeysAndTinyInputs(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                // Mostly one key: bounds cannot repeat it, so there may be fewer partitions.
                let skewed = Array(repeating: 7, count: 900) + Array(0..<100)
                let sorted = try await sc.parallelize(skewed.reversed(), numPartitions: 5).sortBy(numPartitions: 4, S.DivideBy(divisor: 10))
                #expect(sorted.partitionCount <= 4)
                #expect(try await sorted.collect().map { $0 / 10 } == skewed.map { $0 / 10 }.sorted())
                try await Self.expectRanges(sorted, increasing: true, key: { $0 / 10 })

                let few = try await sc.parallelize([3, 1, 2], numPartitions: 6).sortBy(numPartitions: 10, S.Affine())
                #expect(try await few.collect() == [1, 2, 3])
                let one = try await sc.parallelize([9, 8, 7], numPartitions: 1).sortBy(S.Affine())
                #expect(try await one.collect() == [7, 8, 9])
                let empty = try await sc.emptyRDD(of: Int.self).sortBy(S.Affine())
                #expect(empty.partitionCount == 1)
                #expect(try await empty.collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func groupByCollectsElementsOfEachKey(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let words = ["a", "bb", "cc", "ddd", "a", "e", "fff", "gg", "a"]
                let expected = Dictionary(grouping: words, by: \.count).mapValues { $0.sorted() }
                for partitions in [nil, 1, 20] as [Int?] {
                    let groups = sc.parallelize(words, numPartitions: 4).groupBy(numPartitions: partitions, F.Utf8Length())
                    if let partitions { #expect(groups.partitionCount == partitions) }
                    #expect(groups.partitioner?.isEquivalent(to: HashPartitioner(partitions: groups.partitionCount)) == true)
                    let result = try await groups.collect()
                    #expect(result.count == expected.count)
                    #expect(Dictionary(uniqueKeysWithValues: result.map { ($0.0, $0.1.sorted()) }) == expected)
                }
                #expect(try await sc.emptyRDD(of: Int.self).groupBy(S.Affine()).collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func registeredKeyFunctionsSortAndGroup(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let numbers = sc.parallelize([31, 12, 45, 22, 3, 14], numPartitions: 3)
                let sorted = try await numbers.sortBy(S.Residue(modulus: 10))
                #expect(try await sorted.collect().map { $0 % 10 } == [1, 2, 2, 3, 4, 5])
                #expect(sorted.toDebugString().contains("sortBy <suite.residue>"))
                let groups = numbers.groupBy(numPartitions: 2, S.Residue(modulus: 10))
                let result = try await groups.collect()
                #expect(Dictionary(uniqueKeysWithValues: result.map { ($0.0, $0.1.sorted()) }) ==
                        [1: [31], 2: [12, 22], 3: [3], 4: [14], 5: [45]])
                #expect(groups.toDebugString().contains("groupBy <suite.residue>"))
            }
        }

        /// Checks that each partition is sorted and precedes the next (by `key`).
        static func expectRanges(_ rdd: RDD<Int>, increasing: Bool, key: @escaping (Int) -> Int = { $0 }) async throws {
            let parts = try await rdd.glom().collect().map { $0.map(key) }.filter { !$0.isEmpty }
            for part in parts { #expect(part == (increasing ? part.sorted() : part.sorted(by: >))) }
            for (a, b) in zip(parts, parts.dropFirst()) {
                #expect(increasing ? a.last! <= b.first! : a.last! >= b.first!)
            }
        }
    }
}
