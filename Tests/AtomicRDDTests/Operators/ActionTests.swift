import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct ActionTests {
        typealias F = SuiteActionFunctions
        typealias Sum = StandardFunctions.SumInts
        static let values = [5, 3, 9, 1, 7, 3, 8, 2, 6, 4, 9, 0]

        @Test(arguments: EngineSetup.shippable)
        func collectCountFirstTakeKeepPartitionOrder(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                for partitions in [1, 3, 12, 20] {
                    let rdd = sc.parallelize(Self.values, numPartitions: partitions)
                    #expect(try await rdd.collect() == Self.values)
                    #expect(try await rdd.count() == Self.values.count)
                    #expect(try await rdd.first() == 5)
                    #expect(try await rdd.take(4) == [5, 3, 9, 1])
                    #expect(try await rdd.take(100) == Self.values)
                    #expect(try await rdd.take(0) == [])
                    #expect(try await rdd.isEmpty() == false)
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func emptyRDDActions(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                for rdd in [sc.emptyRDD(of: Int.self), sc.parallelize([Int](), numPartitions: 4)] {
                    #expect(try await rdd.collect() == [])
                    #expect(try await rdd.count() == 0)
                    #expect(try await rdd.isEmpty())
                    #expect(try await rdd.take(3) == [])
                    #expect(try await rdd.fold(0, Sum()) == 0)
                    #expect(try await rdd.sum() == 0)
                    #expect(try await rdd.takeOrdered(2) == [])
                    #expect(try await rdd.countByValue() == [:])
                    await #expect(throws: EngineError.self) { try await rdd.first() }
                    await #expect(throws: EngineError.self) { try await rdd.reduce(Sum()) }
                    await #expect(throws: EngineError.self) { try await rdd.max() }
                    await #expect(throws: EngineError.self) { try await rdd.min() }
                    await #expect(throws: EngineError.self) { try await rdd.treeReduce(Sum()) }
                    await #expect(throws: EngineError.self) { try await rdd.histogram(buckets: 2) }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func reductions(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                for partitions in [1, 4, 30] {
                    let rdd = sc.parallelize(Self.values, numPartitions: partitions)
                    #expect(try await rdd.reduce(Sum()) == Self.values.reduce(0, +))
                    #expect(try await rdd.fold(0, Sum()) == Self.values.reduce(0, +))
                    #expect(try await rdd.aggregate(F.ScaledSum(factor: 2)) == Self.values.reduce(0, +) * 2)
                    let countAndTotal = try await rdd.aggregate(F.CountAndSum())
                    #expect(countAndTotal.key == Self.values.count && countAndTotal.value == Self.values.reduce(0, +))
                    #expect(try await rdd.treeReduce(Sum(), depth: 2) == Self.values.reduce(0, +))
                    #expect(try await rdd.treeAggregate(F.ScaledSum(factor: 1), depth: 3) == Self.values.reduce(0, +))
                    #expect(try await rdd.max() == 9)
                    #expect(try await rdd.min() == 0)
                    #expect(try await rdd.sum() == Self.values.reduce(0, +))
                    #expect(try await rdd.takeOrdered(3) == [0, 1, 2])
                    #expect(try await rdd.top(3) == [9, 9, 8])
                    #expect(try await rdd.takeOrdered(2, by: F.Descending()) == [9, 9])
                    #expect(try await rdd.top(2, by: F.Descending()) == [0, 1])
                    #expect(try await rdd.countByValue() == Dictionary(Self.values.map { ($0, 1) }, uniquingKeysWith: +))
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func treeAggregateOverManyPartitions(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let rdd = sc.range(0, 10_000, numPartitions: 64)
                #expect(try await rdd.treeAggregate(F.ScaledSum(factor: 1), depth: 2) == 49_995_000)
                #expect(try await rdd.treeReduce(Sum(), depth: 4) == 49_995_000)
                await #expect(throws: EngineError.self) { try await rdd.treeAggregate(F.ScaledSum(factor: 1), depth: 0) }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func forEachAndForEachPartitionRunInTasks(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let seen = sc.collectionAccumulator(Int.self)
                try await sc.parallelize(Self.values, numPartitions: 3).forEach(F.CollectItems(seen.handle))
                #expect(seen.value.sorted() == Self.values.sorted())
                let sizes = sc.collectionAccumulator(Int.self)
                try await sc.parallelize(Self.values, numPartitions: 5).forEachPartition(F.CollectPartitionSizes(sizes.handle))
                #expect(sizes.value.sorted() == [2, 2, 2, 3, 3])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func statisticsMatchDirectComputation(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let numbers: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
                let rdd = sc.parallelize(numbers, numPartitions: 3)
                let stats = try await rdd.stats()
                #expect(stats.count == 8)
                #expect(stats.mean == 5)
                #expect(abs(stats.variance - 4) < 1e-12)
                #expect(abs(try await rdd.stdev() - 2) < 1e-12)
                #expect(abs(try await rdd.sampleVariance() - 32.0 / 7) < 1e-12)
                #expect(stats.max == 9 && stats.min == 2)
                #expect(try await rdd.mean() == 5)
                #expect(try await rdd.sum() == 40)
                let (boundaries, counts) = try await rdd.histogram(buckets: 7)
                #expect(boundaries == [2, 3, 4, 5, 6, 7, 8, 9])
                #expect(counts == [1, 0, 3, 2, 0, 1, 1])
                #expect(try await rdd.histogram(boundaries: [0, 5, 10]) == [4, 4])
                await #expect(throws: EngineError.self) { try await rdd.histogram(boundaries: [5, 1]) }
                let ints = sc.parallelize([Int](1...100), numPartitions: 7)
                #expect(try await ints.mean() == 50.5)
                #expect(try await ints.histogram(buckets: 4).counts == [25, 25, 25, 25])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func toLocalIteratorFetchesPartitionsInOrder(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                var seen: [Int] = []
                for try await value in sc.parallelize(Self.values, numPartitions: 5).toLocalIterator() { seen.append(value) }
                #expect(seen == Self.values)
                var none = 0
                for try await _ in sc.emptyRDD(of: Int.self).toLocalIterator() { none += 1 }
                #expect(none == 0)
            }
        }

        // Stays on .all: tests the closure overloads (the registered forms run on .shippable above).
        @Test(arguments: EngineSetup.all)
        func reductionsWithClosures(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                for partitions in [1, 4, 30] {
                    let rdd = sc.parallelize(Self.values, numPartitions: partitions)
                    #expect(try await rdd.reduce(+) == Self.values.reduce(0, +))
                    #expect(try await rdd.fold(0, +) == Self.values.reduce(0, +))
                    #expect(try await rdd.aggregate(0, { $0 + $1 * 2 }, +) == Self.values.reduce(0, +) * 2)
                    let (count, total) = try await rdd.aggregate((0, 0), { ($0.0 + 1, $0.1 + $1) }, { ($0.0 + $1.0, $0.1 + $1.1) })
                    #expect(count == Self.values.count && total == Self.values.reduce(0, +))
                    #expect(try await rdd.treeReduce(+, depth: 2) == Self.values.reduce(0, +))
                    #expect(try await rdd.treeAggregate(0, { $0 + $1 }, +, depth: 3) == Self.values.reduce(0, +))
                    #expect(try await rdd.max() == 9)
                    #expect(try await rdd.min() == 0)
                    #expect(try await rdd.sum() == Self.values.reduce(0, +))
                    #expect(try await rdd.takeOrdered(3) == [0, 1, 2])
                    #expect(try await rdd.top(3) == [9, 9, 8])
                    #expect(try await rdd.takeOrdered(2, by: >) == [9, 9])
                    #expect(try await rdd.countByValue() == Dictionary(Self.values.map { ($0, 1) }, uniquingKeysWith: +))
                }
            }
        }

        // Stays on .all: tests the closure overloads (the registered forms run on .shippable above).
        @Test(arguments: EngineSetup.all)
        func treeAggregateWithClosuresOverManyPartitions(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let rdd = sc.range(0, 10_000, numPartitions: 64)
                #expect(try await rdd.treeAggregate(0, { $0 + $1 }, +, depth: 2) == 49_995_000)
                #expect(try await rdd.treeReduce(+, depth: 4) == 49_995_000)
                await #expect(throws: EngineError.self) { try await rdd.treeAggregate(0, { $0 + $1 }, +, depth: 0) }
            }
        }

        // Stays on .all: tests the closure overloads (the registered forms run on .shippable above).
        @Test(arguments: EngineSetup.all)
        func forEachAndForEachPartitionWithClosuresRunInTasks(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let seen = sc.collectionAccumulator(Int.self)
                try await sc.parallelize(Self.values, numPartitions: 3).forEach { seen.add($0) }
                #expect(seen.value.sorted() == Self.values.sorted())
                let sizes = sc.collectionAccumulator(Int.self)
                try await sc.parallelize(Self.values, numPartitions: 5).forEachPartition { records in
                    sizes.add(records.reduce(0) { n, _ in n + 1 })
                }
                #expect(sizes.value.sorted() == [2, 2, 2, 3, 3])
            }
        }


        @Test(arguments: EngineSetup.workerProcesses)
        func closureActionsFailAtSubmissionOnWorkerProcesses(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let rdd = sc.parallelize(Self.values, numPartitions: 3)
                let refused: [(String, @Sendable () async throws -> Void)] = [
                    ("reduce", { _ = try await rdd.reduce(+) }),
                    ("fold", { _ = try await rdd.fold(0, +) }),
                    ("aggregate", { _ = try await rdd.aggregate(0, { $0 + $1 }, +) }),
                    ("treeAggregate", { _ = try await rdd.treeAggregate(0, { $0 + $1 }, +) }),
                    ("takeOrdered", { _ = try await rdd.takeOrdered(2, by: >) }),
                    ("forEach", { try await rdd.forEach { _ in } }),
                    ("map", { _ = try await rdd.map { $0 + 1 }.collect() }),
                ]
                for (name, action) in refused {
                    do {
                        try await action()
                        Issue.record("\(name) with a closure ran on worker processes")
                    } catch let error as EngineError {
                        guard case .notShippable = error else { Issue.record("\(name): wrong error \(error)"); continue }
                    }
                }
                // The Context stays usable.
                #expect(try await rdd.count() == Self.values.count)
            }
        }
    }
}
