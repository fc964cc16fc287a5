import Testing
@testable import AtomicRDD
@testable import atomic

/// A custom accumulator: the longest string added (registered in `atomic`, so workers know it).
typealias LongestString = SuiteActionFunctions.LongestString

extension EngineSuite {
    @Suite struct SharedVariableTests {
        typealias F = SuiteActionFunctions

        @Test(arguments: EngineSetup.shippable)
        func broadcastIsMaterializedOncePerExecutorNotPerTask(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let table = sc.broadcast(Dictionary(uniqueKeysWithValues: (0..<100).map { ($0, "v\($0)") }))
                // Each task reports the executor it ran on: the value is materialized once on each of them.
                let looked = try await sc.parallelize(Array(0..<100), numPartitions: 10)
                    .map(SuiteInspectionFunctions.LookupOnExecutor(table: table.handle)).collect()
                #expect(looked.map(\.0) == (0..<100).map { "v\($0)" })
                var executors = Set(looked.map(\.1))
                #expect(!executors.contains(""), "every task names its executor")
                #expect(executors.count < 10, "ten tasks ran on fewer executors")
                #expect(await sc.executorBroadcastMaterializations() == executors.count)
                let counted = try await sc.parallelize(Array(0..<10), numPartitions: 5)
                    .map(SuiteInspectionFunctions.TableSizeOnExecutor(table: table.handle)).collect()
                executors.formUnion(counted.map(\.1))
                #expect(counted.allSatisfy { $0.0 == 100 })
                #expect(await sc.executorBroadcastMaterializations() == executors.count)
                #expect(table.value.count == 100)   // on the driver: the original
                table.unpersist()
                _ = try await sc.parallelize([1], numPartitions: 1).map(SuiteInspectionFunctions.TableSizeOnExecutor(table: table.handle)).collect()
                #expect(await sc.executorBroadcastMaterializations() == executors.count + 1)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func broadcastHandlesAreFetchedOncePerExecutorNotPerTask(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let table = (0..<7).map { $0 * 100 }
                let broadcast = sc.broadcast(table)
                let looked = try await sc.parallelize(Array(0..<100), numPartitions: 10)
                    .map(ClusterFunctions.AddFromTable(table: broadcast.handle)).collect()
                #expect(looked == (0..<100).map { $0 + table[$0 % 7] })
                let executors = switch setup.placement {
                case .local: 1
                case .inProcessCluster(let workers), .workerProcesses(let workers): workers
                }
                let fetches = sc.broadcastRegistry.published.fetchCount
                #expect(fetches >= 1 && fetches <= executors, "\(fetches) fetches by \(executors) executors running ten tasks")
                // A second job reads the executors' copies.
                _ = try await sc.parallelize(Array(0..<10), numPartitions: 5).map(ClusterFunctions.AddFromTable(table: broadcast.handle)).collect()
                #expect(sc.broadcastRegistry.published.fetchCount == fetches)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func accumulatorsOfEveryKind(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let sum = sc.longAccumulator()
                let doubles = sc.doubleAccumulator()
                let maximum = sc.maxAccumulator(Int.self)
                let items = sc.collectionAccumulator(Int.self)
                let longest = sc.accumulator(LongestString())
                let values = [4, 8, 15, 16, 23, 42]
                try await sc.parallelize(values, numPartitions: 4).forEach(F.AddToEvery(
                    sum: sum.handle, halves: doubles.handle, maximum: maximum.handle, items: items.handle, longest: longest.handle))
                #expect(sum.value == 108)
                #expect(doubles.value == 54)
                #expect(maximum.value == 42)
                #expect(items.value.sorted() == values)
                #expect(longest.value.count == 42)
                // Outside tasks, add updates the total directly.
                sum.add(2)
                #expect(sum.value == 110)
                sum.reset()
                #expect(sum.value == 0)
                // A failed job's updates never count.
                let failed = sc.longAccumulator()
                await #expect(throws: JobFailedError.self) {
                    try await sc.parallelize(values, numPartitions: 2).forEach(F.TallyThenFail(failed.handle, failAt: 42))
                }
                #expect(failed.value <= 3)   // only partition 0's three elements, if it finished first
            }
        }

        // Stays on .all: tests adding to accumulators captured by closures (handles in registered functions run on .shippable above).
        @Test(arguments: EngineSetup.all)
        func accumulatorsOfEveryKindAddedInClosures(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let sum = sc.longAccumulator()
                let doubles = sc.doubleAccumulator()
                let maximum = sc.maxAccumulator(Int.self)
                let items = sc.collectionAccumulator(Int.self)
                let longest = sc.accumulator(LongestString())
                let values = [4, 8, 15, 16, 23, 42]
                try await sc.parallelize(values, numPartitions: 4).forEach { value in
                    sum.add(value)
                    doubles.add(Double(value) / 2)
                    maximum.add(value)
                    items.add(value)
                    longest.add(String(repeating: "x", count: value))
                }
                #expect(sum.value == 108)
                #expect(doubles.value == 54)
                #expect(maximum.value == 42)
                #expect(items.value.sorted() == values)
                #expect(longest.value.count == 42)
                // Outside tasks, add updates the total directly.
                sum.add(2)
                #expect(sum.value == 110)
                sum.reset()
                #expect(sum.value == 0)
                // A failed job's updates never count.
                let failed = sc.longAccumulator()
                await #expect(throws: JobFailedError.self) {
                    try await sc.parallelize(values, numPartitions: 2).forEach { value in
                        failed.add(1)
                        if value == 42 { throw InjectedFailure(partition: 1) }
                    }
                }
                #expect(failed.value <= 3)   // only partition 0's three elements, if it finished first
            }
        }
    }
}
