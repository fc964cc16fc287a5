import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct ContextTests {
        @Test func twoContextsLiveInOneProcessIndependently() async throws {
            let first = try await Context(config: .local(cores: 1, appName: "first"))
            let second = try await Context(config: .local(cores: 2, appName: "second"))
            #expect(first.scratchPath != second.scratchPath)
            async let a = first.parallelize(Array(0..<1000), numPartitions: 3).map { ($0 % 10, 1) }.reduceByKey(+).count()
            async let b = second.parallelize(Array(0..<500), numPartitions: 4).map { ($0 % 7, $0) }.reduceByKey(+).count()
            #expect(try await (a, b) == (10, 7))
            await first.stop()
            #expect(!FileManager.default.fileExists(atPath: first.scratchPath))
            #expect(try await second.range(0, 10).count() == 10)
            await second.stop()
            #expect(!FileManager.default.fileExists(atPath: second.scratchPath))
        }

        @Test(arguments: EngineSetup.shippable)
        func shuffleFilesAreDeletedWhenNoLiveRDDNeedsThem(setup: EngineSetup) async throws {
            try await setup.run(memory: 64 << 10) { sc async throws in
                var shuffleId = 0
                do {
                    let grouped = sc.parallelize(Array(0..<20_000), numPartitions: 4).map(ClusterFunctions.ModuloKey(modulus: 100))
                        .groupByKey()
                    #expect(try await grouped.count() == 100)
                    shuffleId = try #require((grouped.dependencies.first as? ShuffleDependencyBase)?.shuffleId)
                    #expect(await sc.shuffleIdsOnExecutors().contains(shuffleId))
                    #expect(sc.liveShuffleIds.contains(shuffleId))
                    let files = await sc.executorScratchFiles()
                    #expect(files.contains { $0.hasPrefix("shuffle-\(shuffleId)-") }, "spilled map outputs expected: \(files)")
                }
                await sc.waitForRunningTasks()
                await sc.finishCleanups()
                #expect(!sc.liveShuffleIds.contains(shuffleId))
                #expect(await sc.shuffleIdsOnExecutors().isEmpty)
                let left = await sc.executorScratchFiles()
                #expect(!left.contains { $0.hasPrefix("shuffle-") }, "\(left)")
                #expect(await sc.executorMemoryUsed() == 0)
            }
        }

        @Test func a_map_task_that_fails_after_spilling_leaves_no_spill_files() async throws {
            struct Injected: Error {}
            let sc = try await Context(config: .local(cores: 2, memory: 64 << 10))
            func grouped(failing: Bool) -> RDD<(Int, [Int])> {
                sc.parallelize(Array(0..<20_000), numPartitions: 4).map { x throws -> (Int, Int) in
                    // The last partition's task fails at its last record, after its map side spilled.
                    if failing && x == 19_999 { throw Injected() }
                    return (x % 100, x)
                }.groupByKey()
            }
            func shuffleId(_ rdd: RDD<(Int, [Int])>) -> Int? {
                (rdd.dependencies.first as? ShuffleDependencyBase)?.shuffleId
            }
            // With this budget, the last map task spills.
            let fine = grouped(failing: false)
            #expect(try await fine.count() == 100)
            let fineId = try #require(shuffleId(fine))
            #expect(await sc.executorScratchFiles().contains { $0.hasPrefix("shuffle-\(fineId)-map-3-") })

            let failing = grouped(failing: true)
            let failingId = try #require(shuffleId(failing))
            await #expect(throws: (any Error).self) { try await failing.count() }
            await sc.waitForRunningTasks()
            let left = await sc.executorScratchFiles()
            #expect(!left.contains { $0.hasPrefix("shuffle-\(failingId)-map-3-") }, "the failed attempts' spills are gone: \(left)")
            #expect(try await sc.range(0, 10).count() == 10, "the Context stays usable")
            await sc.stop()
        }

        @Test func configCarriesTheRegistry() async throws {
            let registry = try FunctionRegistry([Scale.self])
            let sc = try await Context(config: .local(cores: 1).registering(registry))
            #expect(sc.registry.fingerprint == registry.fingerprint)
            #expect(try await sc.parallelize([1, 2]).map(Scale(factor: 3)).collect() == [3, 6])
            await sc.stop()
        }
    }
}
