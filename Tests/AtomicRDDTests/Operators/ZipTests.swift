import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct ZipTests {
        typealias F = SuiteActionFunctions
        @Test(arguments: EngineSetup.shippable)
        func zipPairsElementsAtTheSamePosition(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let numbers = sc.parallelize(0..<20, numPartitions: 3)
                let pairs = try numbers.zip(numbers.map(F.SquareLabel(prefix: "n")))
                #expect(try await pairs.collect().map { "\($0.0):\($0.1)" } == (0..<20).map { "\($0):n\($0 * $0)" })
                // More partitions than elements: the empty partitions zip too.
                let sparse = sc.parallelize([1, 2], numPartitions: 5)
                #expect(try await sparse.zip(sparse.map(SuitePairFunctions.Affine(multiplier: -1))).collect().map { $0.0 + $0.1 } == [0, 0])
                let empty = sc.emptyRDD(of: Int.self)
                #expect(try await empty.zip(empty).collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func zipOfDifferentPartitionCountsFailsAtTheCall(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let a = sc.parallelize(1...6, numPartitions: 2), b = sc.parallelize(1...6, numPartitions: 3)
                do {
                    _ = try a.zip(b)
                    Issue.record("zip of 2 and 3 partitions did not throw")
                } catch let error as EngineError {
                    guard case .invalidArgument(let operation, _) = error else { Issue.record("wrong error \(error)"); return }
                    #expect(operation == "zip")
                }
                do {
                    _ = try a.zipPartitions(b, F.TakeLeft())
                    Issue.record("zipPartitions of 2 and 3 partitions did not throw")
                } catch let error as EngineError {
                    guard case .invalidArgument(let operation, _) = error else { Issue.record("wrong error \(error)"); return }
                    #expect(operation == "zipPartitions")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func zipOfPartitionsOfDifferentLengthsFailsTheJob(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 1) { sc throws in
                let numbers = sc.parallelize(0..<10, numPartitions: 2)
                let zipped = try numbers.zip(numbers.filter(F.NotEqual(7)))
                do {
                    _ = try await zipped.collect()
                    Issue.record("zip of partitions of 5 and 4 elements did not fail")
                } catch let error as JobFailedError {
                    guard case .zipMismatch(let partition)? = error.underlying as? EngineError else {
                        Issue.record("wrong underlying error \(error.underlying)")
                        return
                    }
                    #expect(partition == 1)
                    #expect(error.partition == 1)
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func zipPartitionsGetsBothPartitionsWhole(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let a = sc.parallelize(1...7, numPartitions: 3)
                let b = sc.parallelize(["a", "b", "c", "d"], numPartitions: 3)
                let combined = try a.zipPartitions(b, F.SumAndJoin())
                let left = try await a.glom().collect(), right = try await b.glom().collect()
                let expected = zip(left, right).map { "\($0.reduce(0, +))|\($1.joined())" }
                #expect(try await combined.collect() == expected)
                // The user's function may stop reading early; an upstream error still fails the task.
                let failing = try a.map(F.FailWhen.at(7)).zipPartitions(a, F.TakeLeft())
                let error = await #expect(throws: JobFailedError.self) { _ = try await failing.collect() }
                #expect(error?.underlying is F.InjectedFailure)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func zipWithIndexNumbersElementsInPartitionOrder(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                for (count, partitions) in [(0, 1), (1, 1), (25, 1), (25, 4), (3, 8), (100, 7)] {
                    let words = (0..<count).map { "w\($0)" }
                    let indexed = try await sc.parallelize(words, numPartitions: partitions).zipWithIndex()
                    let pairs = try await indexed.collect()
                    #expect(pairs.map(\.0) == words)
                    #expect(pairs.map(\.1) == Array(0..<count), "\(count) elements in \(partitions) partitions")
                }
                // Partitions of uneven sizes, after a filter.
                let uneven = try await sc.range(0, 100, numPartitions: 5).filter(F.Outside(below: 15, above: 90)).zipWithIndex().collect()
                #expect(uneven.map(\.1) == Array(0..<24))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func zipWithUniqueIdStridesByPartitionCount(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let rdd = sc.parallelize(0..<11, numPartitions: 3)
                let parts = try await rdd.glom().collect()
                var expected: [Int] = []
                for (k, part) in parts.enumerated() { expected += part.indices.map { $0 * 3 + k } }
                let ids = try await rdd.zipWithUniqueId().collect()
                #expect(ids.map(\.0) == Array(0..<11))
                #expect(ids.map(\.1) == expected)
                #expect(Set(ids.map(\.1)).count == 11)
                #expect(try await sc.emptyRDD(of: Int.self).zipWithUniqueId().collect().isEmpty)
            }
        }

        // Stays on .all: tests the closure overload (the registered form runs on .shippable above).
        @Test(arguments: EngineSetup.all)
        func zipPartitionsWithAClosureGetsBothPartitionsWhole(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let a = sc.parallelize(1...7, numPartitions: 3)
                let b = sc.parallelize(["a", "b", "c", "d"], numPartitions: 3)
                let combined = try a.zipPartitions(b) { numbers, letters -> [String] in
                    let n = Array(numbers), l = Array(letters)
                    return ["\(n.reduce(0, +))|\(l.joined())"]
                }
                let left = try await a.glom().collect(), right = try await b.glom().collect()
                let expected = zip(left, right).map { "\($0.reduce(0, +))|\($1.joined())" }
                #expect(try await combined.collect() == expected)
                // The user's function may stop reading early; an upstream error still fails the task.
                let failing = try a.map { x -> Int in if x == 7 { throw UpstreamFailure() }; return x }
                    .zipPartitions(b) { numbers, _ in Array(numbers) }
                await #expect(throws: JobFailedError.self) { _ = try await failing.collect() }
            }
        }
    }
}

private struct UpstreamFailure: Error {}
