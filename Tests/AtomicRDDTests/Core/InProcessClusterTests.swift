import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// The in-process cluster placement really is a cluster: tasks spread over
    /// its worker nodes, and reducers fetch map outputs from other nodes.
    @Suite struct InProcessClusterTests {
        @Test func tasksRunOnSeveralWorkersAndShuffleOutputsTravelBetweenThem() async throws {
            let sc = try await Context(config: .inProcessCluster(workers: 3, memoryPerWorker: 64 << 20))
            defer { Task { await sc.stop() } }
            #expect(await sc.clusterWorkerCount() == 3)
            #expect(!sc.shipsPlans)
            let ran = try await sc.parallelize(Array(0..<6), numPartitions: 6)
                .map { _ in TaskContext.current!.environment.executorId }.collect()
            #expect(Set(ran).count > 1, "every task ran on \(Set(ran))")
            #expect(!ran.contains("driver"))
            let sums = try await sc.parallelize(Array(0..<10_000), numPartitions: 6).map { ($0 % 7, $0) }.reduceByKey(+).collect()
            #expect(Dictionary(uniqueKeysWithValues: sums) == Dictionary(grouping: 0..<10_000) { $0 % 7 }.mapValues { $0.reduce(0, +) })
            let fetched = try #require(await sc.clusterFetchStatistics())
            #expect(fetched.bytes > 0 && fetched.fetches > 0, "no map output was fetched from another node")
            // The bytes arrive before the last bucket is decoded.
            #expect(fetched.receivedSeconds > 0 && fetched.receivedSeconds <= fetched.seconds)
            #expect(sc.cluster?.pendingHandoffs == 0)
            await sc.stop()
        }

        @Test func aSecondJobOverACacheRunsEachTaskWhereItsPartitionLives() async throws {
            let sc = try await Context(config: .inProcessCluster(workers: 3, memoryPerWorker: 64 << 20))
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let squares = sc.parallelize(Array(0..<6000), numPartitions: 6).map { $0 * $0 }.cache()
            #expect(try await squares.count() == 6000)
            let before = await backend.localLaunches
            #expect(try await squares.filter { $0.isMultiple(of: 2) }.count() == 3000)
            #expect(await backend.localLaunches - before == 6)
            // The cached squares, held on several nodes, all count.
            #expect(sc.memoryUsed >= 6000 * MemoryLayout<Int>.size)
            #expect(sc.executorEnvironments.filter { $0.memory.usedBytes > 0 }.count > 1)
            await sc.stop()
        }

        @Test func localModeCountsItsExecutorsMemoryOnce() async throws {
            let sc = try await Context(config: .local(cores: 1))
            let cached = sc.parallelize(Array(0..<6000), numPartitions: 2).cache()
            #expect(try await cached.count() == 6000)
            #expect(sc.memoryUsed > 0)
            #expect(sc.memoryUsed == sc.environment.memory.usedBytes)
            await sc.stop()
        }
    }
}
