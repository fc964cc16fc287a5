import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PersistenceTests {
        /// An RDD of `n` integers in one partition whose computations are counted.
        static func counted(_ sc: Context, _ n: Int, offset: Int = 0) -> (RDD<Int>, Accumulator<SumAccumulator<Int>>) {
            let computed = sc.longAccumulator()
            let rdd = sc.range(offset, offset + n, numPartitions: 1)
                .map(SuitePairFunctions.CountCalls(counter: computed.handle, only: offset))
            return (rdd, computed)
        }

        @Test(arguments: EngineSetup.shippable)
        func cachedPartitionsAreNotRecomputed(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let (rdd, computed) = Self.counted(sc, 1000)
                rdd.cache()
                #expect(try await rdd.count() == 1000)
                #expect(try await rdd.reduce(ClusterFunctions.Sum()) == 499_500)
                #expect(computed.value == 1)
                #expect(rdd.storageLevel == .memoryOnly)
                await rdd.unpersist()
                #expect(try await rdd.count() == 1000)
                #expect(computed.value == 2)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func everyStorageLevelKeepsPartitionsFromOneJobToTheNext(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                for (index, level) in [StorageLevel.memoryOnly, .memoryAndDisk, .diskOnly].enumerated() {
                    let offset = 10_000 * index
                    let (rdd, computed) = Self.counted(sc, 500, offset: offset)
                    rdd.persist(level)
                    #expect(rdd.storageLevel == level)
                    #expect(try await rdd.count() == 500)
                    #expect(try await rdd.collect() == Array(offset..<offset + 500), "\(level)")
                    #expect(computed.value == 1, "\(level): the partition was computed again")
                    await rdd.unpersist()
                    #expect(try await rdd.count() == 500)
                    #expect(computed.value == 2, "\(level): unpersisted, yet not computed again")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func leastRecentlyUsedMemoryOnlyBlockIsDroppedThenRecomputed(setup: EngineSetup) async throws {
            // Each block is about 8000 × 8 bytes = 64 KB; the budget holds one.
            try await setup.run(memory: 100 << 10) { sc async throws in
                let (a, computedA) = Self.counted(sc, 8000)
                let (b, computedB) = Self.counted(sc, 8000, offset: 10_000)
                a.persist(.memoryOnly)
                b.persist(.memoryOnly)
                #expect(try await a.count() == 8000)
                #expect(try await b.count() == 8000)   // evicts a
                #expect(await sc.evictions() == 1)
                #expect(await sc.memoryBlocks() == [BlockId(rddId: b.id, partition: 0)])
                #expect(try await a.reduce(ClusterFunctions.Sum()) == (0..<8000).reduce(0, +))   // recomputed
                #expect(computedA.value == 2)
                #expect(computedB.value == 1)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func memoryAndDiskBlockMovesToDiskAndIsReadBack(setup: EngineSetup) async throws {
            try await setup.run(memory: 100 << 10) { sc async throws in
                let (a, computedA) = Self.counted(sc, 8000)
                let (b, _) = Self.counted(sc, 8000, offset: 10_000)
                a.persist(.memoryAndDisk)
                b.persist(.memoryAndDisk)
                #expect(try await a.count() == 8000)
                #expect(try await b.count() == 8000)   // moves a to disk
                #expect(await sc.diskBlocks() == [BlockId(rddId: a.id, partition: 0)])
                #expect(try await a.collect() == Array(0..<8000))
                #expect(computedA.value == 1)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func diskOnlyPairsRoundTrip(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let computed = sc.longAccumulator()
                let pairs = sc.parallelize(Array(0..<500), numPartitions: 3)
                    .map(SuitePairFunctions.CountCalls(counter: computed.handle))
                    .map(SuiteInspectionFunctions.KeyedByResidue(prefix: "k", modulus: 10))
                pairs.persist(.diskOnly)
                let first = try await pairs.collect()
                let second = try await pairs.collect()
                #expect(first.map(\.1) == Array(0..<500))
                #expect(second.map(\.0) == first.map(\.0))
                #expect(computed.value == 500)
                #expect(await sc.diskBlocks().count == 3)
                #expect(await sc.executorMemoryUsed() == 0)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func checkpointWritesFilesAndCutsLineage(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let computed = sc.longAccumulator()
                let rdd = sc.parallelize(Array(0..<100), numPartitions: 4)
                    .map(SuitePairFunctions.CountCalls(counter: computed.handle))
                    .map(ClusterFunctions.ModuloKey(modulus: 5))
                    .reduceByKey(ClusterFunctions.Sum())
                rdd.checkpoint()
                #expect(!rdd.isCheckpointed)
                let before = Dictionary(uniqueKeysWithValues: try await rdd.collect())
                #expect(rdd.isCheckpointed)
                #expect(rdd.dependencies.isEmpty)
                #expect(rdd.toDebugString().contains("checkpointed"))
                let runs = computed.value
                let after = Dictionary(uniqueKeysWithValues: try await rdd.collect())
                #expect(after == before)
                #expect(computed.value == runs)
                #expect(after == Dictionary((0..<100).map { ($0 % 5, $0) }, uniquingKeysWith: +))
                // A new lineage over the checkpointed RDD reads the files too.
                #expect(try await rdd.values().reduce(ClusterFunctions.Sum()) == (0..<100).reduce(0, +))
                #expect(computed.value == runs)
            }
        }

        /// The squares of 0..<count in 2 partitions, checkpointed by a first job, and their checkpoint folder.
        func checkpointedSquares(_ sc: Context, count: Int) async throws -> (rdd: RDD<Int>, folder: String) {
            let rdd = sc.range(0, count, numPartitions: 2).map(ClusterFunctions.Square())
            rdd.checkpoint()
            #expect(try await rdd.count() == count)
            #expect(rdd.isCheckpointed)
            return (rdd, (sc.checkpointFolder as NSString).appendingPathComponent("rdd-\(rdd.id)"))
        }

        /// The file a job failed to read its checkpoint from; nil (and an issue recorded) for any other failure.
        func unreadableCheckpoint(_ error: JobFailedError?) -> String? {
            guard case .checkpointUnreadable(let path, _)? = error?.underlying as? EngineError else {
                Issue.record("expected checkpointUnreadable, got \(String(describing: error?.underlying))")
                return nil
            }
            return path
        }

        @Test(arguments: EngineSetup.shippable)
        func checkpointWhoseFilesAreGoneFailsWithATypedError(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 1) { sc async throws in
                let (rdd, folder) = try await checkpointedSquares(sc, count: 100)
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["part-00000", "part-00001"])
                try FileManager.default.removeItem(atPath: folder)
                let error = await #expect(throws: JobFailedError.self) { try await rdd.collect() }
                if let path = unreadableCheckpoint(error) { #expect(path.hasPrefix(folder)) }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func checkpointFilesCutShortFailWithATypedErrorInsteadOfReadingFewerRecords(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 1) { sc async throws in
                let (rdd, folder) = try await checkpointedSquares(sc, count: 100_000)
                let path = (folder as NSString).appendingPathComponent("part-00000")
                let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
                // Cut at a batch boundary (the trailer's 16 bytes) and in the middle: both are noticed.
                for cut in [size - 16, size / 2, 0] {
                    let handle = try #require(FileHandle(forWritingAtPath: path))
                    try handle.truncate(atOffset: UInt64(cut))
                    try handle.close()
                    let error = await #expect(throws: JobFailedError.self, "cut to \(cut) bytes") { try await rdd.count() }
                    #expect(unreadableCheckpoint(error) == path, "cut to \(cut) bytes")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func debugStringShowsStageBoundaries(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let rdd = sc.parallelize(["a b", "b"], numPartitions: 2)
                    .flatMap { $0.split(separator: " ").map(String.init) }
                    .map { ($0, 1) }
                    .reduceByKey(+)
                    .cache()
                let text = rdd.toDebugString()
                let lines = text.split(separator: "\n")
                #expect(lines.count == 4)
                #expect(lines[0].hasPrefix("(2) #") && lines[0].contains("reduceByKey") && lines[0].contains("memoryOnly"))
                #expect(lines[1].hasPrefix(" +-(2)") && lines[1].contains("map <closure>"))
                #expect(lines[3].contains("parallelize"))
                #expect(rdd.getNumPartitions() == 2)
            }
        }
    }
}
