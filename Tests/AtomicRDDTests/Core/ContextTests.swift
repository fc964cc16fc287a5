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

        @Test func configCarriesTheRegistry() async throws {
            let registry = try FunctionRegistry([Scale.self])
            let sc = try await Context(config: .local(cores: 1).registering(registry))
            #expect(sc.registry.fingerprint == registry.fingerprint)
            #expect(try await sc.parallelize([1, 2]).map(Scale(factor: 3)).collect() == [3, 6])
            await sc.stop()
        }
    }
}
