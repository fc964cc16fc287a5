import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct SetOperationsTests {
        typealias S = SuitePairFunctions

        /// Skewed duplicates: 0 a hundred times, then each of 1..<50 once or twice.
        static let skewed: [Int] = Array(repeating: 0, count: 100) + (1..<50).flatMap { $0 % 3 == 0 ? [$0, $0] : [$0] }

        @Test(arguments: EngineSetup.shippable)
        func distinctKeepsEachElementOnce(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let expected = Set(Self.skewed).sorted()
                let rdd = sc.parallelize(Self.skewed.shuffledDeterministically(), numPartitions: 4)
                #expect(try await rdd.distinct().collect().sorted() == expected)
                #expect(rdd.distinct().partitionCount == 4)
                for partitions in [1, 3, 200] {
                    let distinct = rdd.distinct(numPartitions: partitions)
                    #expect(distinct.partitionCount == partitions)
                    #expect(try await distinct.collect().sorted() == expected)
                }
                let words = sc.parallelize(["b", "a", "b", "c", "a", "a"], numPartitions: 10)
                #expect(try await words.distinct().collect().sorted() == ["a", "b", "c"])
                #expect(try await sc.emptyRDD(of: Int.self).distinct().collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func unionConcatenatesPartitionsInOrder(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let a = sc.parallelize(1...10, numPartitions: 3)
                let b = sc.parallelize([20, 20, 21], numPartitions: 2)
                let union = a.union(b)
                #expect(union.partitionCount == 5)
                #expect(try await union.collect() == Array(1...10) + [20, 20, 21])
                let expectedParts = try await a.glom().collect() + b.glom().collect()
                #expect(try await union.glom().collect() == expectedParts)
                #expect(try await a.union(a).collect() == Array(1...10) + Array(1...10))

                let empty = sc.emptyRDD(of: Int.self)
                #expect(try await empty.union(b).collect() == [20, 20, 21])
                #expect(try await b.union(empty).collect() == [20, 20, 21])
                let many = sc.union([a, empty, b, sc.parallelize([7], numPartitions: 4)])
                #expect(many.partitionCount == 3 + 1 + 2 + 4)
                #expect(try await many.collect() == Array(1...10) + [20, 20, 21, 7])
                #expect(try await sc.union([RDD<Int>]()).collect().isEmpty)
                // A union feeds a shuffle like any narrow RDD.
                let counts = try await many.map(S.ResidueWithOne(modulus: 2)).reduceByKey(ClusterFunctions.Sum()).collect()
                #expect(Dictionary(uniqueKeysWithValues: counts) == [0: 7, 1: 7])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func intersectionKeepsCommonElementsOnce(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let left = Self.skewed
                let right = [0, 0, 3, 3, 4, 49, 50, 51, 99]
                let expected = Set(left).intersection(right).sorted()
                let a = sc.parallelize(left, numPartitions: 3), b = sc.parallelize(right, numPartitions: 5)
                #expect(try await a.intersection(b).collect().sorted() == expected)
                #expect(try await b.intersection(a).collect().sorted() == expected)
                #expect(a.intersection(b).partitionCount == 5)
                #expect(try await a.intersection(b, numPartitions: 1).collect().sorted() == expected)
                #expect(try await a.intersection(b, numPartitions: 64).collect().sorted() == expected)
                #expect(try await a.intersection(sc.emptyRDD(of: Int.self)).collect().isEmpty)
                #expect(try await a.intersection(sc.parallelize([1000, 2000])).collect().isEmpty)
                #expect(try await a.intersection(a).collect().sorted() == Set(left).sorted())
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func subtractKeepsDuplicatesOfElementsNotInOther(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let left = Self.skewed + [3, 3, 6]
                let right = [0, 3, 5, 1000]
                let removed = Set(right)
                let expected = left.filter { !removed.contains($0) }.sorted()
                let a = sc.parallelize(left, numPartitions: 4), b = sc.parallelize(right, numPartitions: 2)
                let difference = a.subtract(b)
                #expect(difference.partitionCount == 4)
                #expect(try await difference.collect().sorted() == expected)
                #expect(try await a.subtract(b, numPartitions: 1).collect().sorted() == expected)
                #expect(try await a.subtract(b, numPartitions: 100).collect().sorted() == expected)
                #expect(try await a.subtract(sc.emptyRDD(of: Int.self)).collect().sorted() == left.sorted())
                #expect(try await sc.emptyRDD(of: Int.self).subtract(a).collect().isEmpty)
                #expect(try await a.subtract(a).collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func cartesianPairsEveryPartitionWithEveryPartition(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let a = sc.parallelize([1, 2, 3, 4, 5], numPartitions: 2)
                let b = sc.parallelize(["x", "y", "z"], numPartitions: 3)
                let product = a.cartesian(b)
                #expect(product.partitionCount == 6)
                let leftParts = try await a.glom().collect(), rightParts = try await b.glom().collect()
                var expectedParts: [[String]] = []
                for l in leftParts {
                    for r in rightParts { expectedParts.append(l.flatMap { x in r.map { "\(x)\($0)" } }) }
                }
                #expect(try await product.map(S.ConcatPair()).glom().collect() == expectedParts)
                #expect(try await product.count() == 15)
                #expect(try await a.cartesian(sc.emptyRDD(of: String.self)).collect().isEmpty)
                #expect(try await sc.emptyRDD(of: Int.self).cartesian(b).collect().isEmpty)
                let squares = try await a.cartesian(a).filter(S.EqualPair()).map(S.ProductPair()).collect()
                #expect(squares.sorted() == [1, 4, 9, 16, 25])
            }
        }
    }
}

private extension Array {
    /// The elements in an order that is fixed but unlike the original.
    func shuffledDeterministically() -> [Element] {
        var random = SplitMix64(seed: 99, stream: 0)
        return shuffled(using: &random)
    }
}
