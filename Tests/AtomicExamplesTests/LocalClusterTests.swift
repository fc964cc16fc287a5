import AtomicActors
import AtomicClusterTesting
import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

extension ExampleSuite {
    /// Jobs of registered functions on a local cluster of real `atomic --worker`
    /// processes, checked against the same job in local mode.
    @Suite struct LocalClusterTests {
        typealias F = ClusterFunctions

        /// The `atomic` executable built beside this test bundle.
        static func atomicExecutable() throws -> String { try SiblingExecutable.path("atomic") }

        static func clusterConfig(workers: Int = 2, registry: FunctionRegistry = F.registry) throws -> Config {
            Config.localCluster(workers: workers, coresPerWorker: 1, memoryPerWorker: 64 << 20, appName: "cluster-test")
                .registering(registry).workerExecutable(try atomicExecutable()).maxTaskFailures(4)
        }

        /// Runs `body` on a local Context and on a 2-worker local cluster and
        /// expects equal answers.
        func sameOnBoth<T: Equatable>(_ body: (Context) async throws -> T) async throws -> T {
            let local = try await Context(config: .local(cores: 2, memory: 64 << 20).registering(F.registry))
            let expected = try await body(local)
            await local.stop()
            let cluster = try await Context(config: try Self.clusterConfig())
            do {
                let got = try await body(cluster)
                #expect(got == expected)
                #expect(await cluster.isIdle())
                await cluster.stop()
            } catch {
                await cluster.stop()
                throw error
            }
            return expected
        }

        @Test func narrowOperatorsAndCount() async throws {
            let result = try await sameOnBoth { sc in
                let rdd = sc.parallelize(Array(1...1000), numPartitions: 4).map(F.Square()).filter(F.IsEven())
                return [try await rdd.count()] + (try await rdd.collect())
            }
            #expect(result[0] == 500)
            #expect(Array(result.dropFirst()) == (1...1000).map { $0 * $0 }.filter { $0 % 2 == 0 })
        }

        @Test func workersStartWithTheWarmReserveTheConfigSets() async throws {
            // A worker that did not take the flag would exit before it registered.
            let config = try Self.clusterConfig()
            let sc = try await Context(config: config.workerWarmReserve(8 << 20))
            do {
                #expect(try await sc.parallelize(Array(1...1000), numPartitions: 4).map(F.Square()).count() == 1000)
            } catch {
                await sc.stop()
                throw error
            }
            await sc.stop()
            // More than a worker's memory, or less than nothing, is refused before any worker starts.
            guard case let .localCluster(_, _, memory) = config.deployment else {
                Issue.record("not a local cluster: \(config.deployment)")
                return
            }
            for reserve in [memory + 1, -1] {
                let error = await #expect(throws: EngineError.self, "\(reserve)") {
                    let sc = try await Context(config: config.workerWarmReserve(reserve))
                    await sc.stop()
                }
                guard case let .invalidArgument(operation, _)? = error else {
                    Issue.record("refused by the driver, not \(String(describing: error))")
                    continue
                }
                #expect(operation == "Config.workerWarmReserve")
            }
        }

        @Test func wordCountThroughAShuffle() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-wc-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("input.txt").path
            let words = ["a", "b", "c", "to", "be", "or", "not"]
            let lines = (0..<3000).map { i in (0..<7).map { words[(i * 3 + $0 * $0) % words.count] }.joined(separator: " ") }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            var expected: [String: Int] = [:]
            for line in lines { for word in line.split(separator: " ") { expected[String(word), default: 0] += 1 } }
            let counts = try await sameOnBoth { sc in
                let pairs = try await sc.textFile(path, minPartitions: 3).flatMap(F.SplitWords()).map(F.PairWithOne())
                    .reduceByKey(numPartitions: 3, F.Sum()).collect()
                return Dictionary(uniqueKeysWithValues: pairs)
            }
            #expect(counts == expected)
        }

        @Test func joinAndGroupByKey() async throws {
            let joined = try await sameOnBoth { sc in
                let left = sc.parallelize(Array(0..<200), numPartitions: 3).map(F.ModuloKey(modulus: 7))
                let right = sc.parallelize((0..<7).map { ($0, "name\($0)") }, numPartitions: 2)
                let rows = try await left.join(right, numPartitions: 2).collect()
                let groups = try await left.groupByKey(numPartitions: 2).collect()
                return rows.map { "\($0.0):\($0.1.0):\($0.1.1)" }.sorted()
                    + groups.map { "\($0.0)=\($0.1.sorted())" }.sorted()
            }
            #expect(joined.count == 200 + 7)
        }

        @Test func closureJobIsRefusedAtSubmissionNamingTheOperator() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let rdd = sc.parallelize(Array(1...10), numPartitions: 2).map { $0 + 1 }
            await #expect { try await rdd.count() } throws: { error in
                guard case let EngineError.notShippable(op, _, reason) = error else { return false }
                return op == "map" && reason.contains("closure")
            }
            await sc.stop()
        }

        @Test func workerFromOtherCodeIsRefused() async throws {
            let other = try FunctionRegistry([F.Sum.self])
            await #expect { _ = try await Context(config: try Self.clusterConfig(workers: 1, registry: other)) } throws: { error in
                "\(error)".contains("registry")
            }
        }

        @Test func killedWorkerOutputsAreRecomputed() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            do {
                let sums = sc.parallelize(Array(0..<2000), numPartitions: 4).map(F.ModuloKey(modulus: 10))
                    .reduceByKey(numPartitions: 2, F.Sum())
                let expected = Dictionary(grouping: 0..<2000) { $0 % 10 }.mapValues { $0.reduce(0, +) }
                #expect(Dictionary(uniqueKeysWithValues: try await sums.collect()) == expected)
                // Map outputs now live on both workers; lose one of them.
                let victim = try #require(sc.cluster?.workerProcessIds.first)
                kill(victim, SIGKILL)
                #expect(Dictionary(uniqueKeysWithValues: try await sums.collect()) == expected)
                #expect(await sc.isIdle())
            } catch {
                await sc.stop()
                throw error
            }
            await sc.stop()
        }

        @Test func everyWorkerLostFailsTheJobClearly() async throws {
            let sc = try await Context(config: try Self.clusterConfig(workers: 1))
            let victim = try #require(sc.cluster?.workerProcessIds.first)
            kill(victim, SIGKILL)
            let rdd = sc.parallelize(Array(0..<100), numPartitions: 2).map(F.Square())
            await #expect(throws: JobFailedError.self) { _ = try await rdd.collect() }
            await sc.stop()
        }
    
        @Test func sortUnionKeysValuesAndReduce() async throws {
            let answers = try await sameOnBoth { sc -> [String] in
                let pairs = sc.parallelize(Array(0..<500), numPartitions: 4).map(F.ModuloKey(modulus: 37))
                let sorted = try await pairs.sortByKey(ascending: false, numPartitions: 3).collect()
                let both = pairs.union(sc.parallelize([(1000, 1), (1001, 2)], numPartitions: 1))
                let keySum = try await both.keys().reduce(F.Sum())
                let valueCount = try await both.values().count()
                return ["\(sorted.map(\.0))", "\(sorted.map { "\($0)" }.sorted())", "\(keySum)", "\(valueCount)"]
            }
            #expect(answers[0] == "\((0..<500).map { $0 % 37 }.sorted(by: >))")
            #expect(answers[2] == "\((0..<500).map { $0 % 37 }.reduce(0, +) + 2001)")
            #expect(answers[3] == "502")
        }

        /// Sums by key of `0..<count` keyed by `x mod modulus`, in plain Swift.
        static func expectedSums(_ count: Int, modulus: Int) -> [Int: Int] {
            Dictionary(grouping: 0..<count) { $0 % modulus }.mapValues { $0.reduce(0, +) }
        }

        @Test func workerKilledDuringAMapStage() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let ends = await backend.taskEnds()
            let sums = sc.parallelize(Array(0..<800), numPartitions: 8).map(F.Pause(milliseconds: 40, every: 25))
                .map(F.ModuloKey(modulus: 10)).reduceByKey(numPartitions: 2, F.Sum())
            let job = Task { try await sums.collect() }
            // The first map task to finish: its worker holds an output and runs more map tasks.
            var victim: NodeIdentity?
            for await end in ends where end.succeeded {
                victim = end.worker
                break
            }
            let node = try #require(victim)
            let pid = try #require(await backend.processId(of: node))
            kill(pid, SIGKILL)
            #expect(Dictionary(uniqueKeysWithValues: try await job.value) == Self.expectedSums(800, modulus: 10))
            await sc.stop()
        }

        @Test func workerKilledDuringAReduceStage() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let ends = await backend.taskEnds()
            let values = sc.parallelize(Array(0..<400), numPartitions: 4).map(F.ModuloKey(modulus: 40))
                .reduceByKey(numPartitions: 8, F.Sum()).values().map(F.Pause(milliseconds: 60, every: 1))
            let job = Task { try await values.collect() }
            var mapStage: Int?
            var victim: NodeIdentity?
            for await end in ends where end.succeeded {
                if mapStage == nil { mapStage = end.stageId }
                if end.stageId != mapStage {
                    victim = end.worker
                    break
                }
            }
            let node = try #require(victim)
            let pid = try #require(await backend.processId(of: node))
            kill(pid, SIGKILL)
            #expect(try await job.value.sorted() == Self.expectedSums(400, modulus: 40).values.sorted())
            await sc.stop()
        }

        @Test func cachedPartitionsOfAKilledWorkerAreRecomputed() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let squares = sc.parallelize(Array(0..<1000), numPartitions: 4).map(F.Square()).cache()
            #expect(try await squares.count() == 1000)
            let pid = try #require(sc.cluster?.workerProcessIds.first)
            kill(pid, SIGKILL)
            #expect(try await squares.collect() == (0..<1000).map { $0 * $0 })
            await sc.stop()
        }

        @Test func jobWithTwoShufflesSurvivesAKilledWorker() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let grouped = sc.parallelize(Array(0..<600), numPartitions: 4).map(F.ModuloKey(modulus: 20))
                .reduceByKey(numPartitions: 3, F.Sum()).values().map(F.ModuloKey(modulus: 3)).groupByKey(numPartitions: 2)
            func normalized(_ rows: [(Int, [Int])]) -> [Int: [Int]] {
                Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1.sorted()) })
            }
            let expected = Dictionary(grouping: Self.expectedSums(600, modulus: 20).values) { $0 % 3 }.mapValues { $0.sorted() }
            #expect(normalized(try await grouped.collect()) == expected)
            let pid = try #require(sc.cluster?.workerProcessIds.first)
            kill(pid, SIGKILL)
            #expect(normalized(try await grouped.collect()) == expected)
            await sc.stop()
        }
    
        /// A loopback port nothing listens on now.
        static func freePort() async throws -> Int {
            let transport = try TCPTransport()
            let listener = try await transport.listen(on: Endpoint(host: "127.0.0.1", port: 0))
            let port = listener.endpoint.port
            listener.close()
            await transport.shutdown()
            return Int(port)
        }

        @Test func handStartedWorkerServesAndExitsWhenItsDriverDies() async throws {
            let port = try await Self.freePort()
            let worker = Process()
            worker.executableURL = URL(fileURLWithPath: try Self.atomicExecutable())
            // Started before its driver: it keeps trying to join.
            worker.arguments = ["worker", "--driver", "127.0.0.1:\(port)", "--cores", "2", "--memory", "64"]
            worker.standardOutput = FileHandle.nullDevice
            let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
            worker.terminationHandler = { exited.yield($0.terminationStatus) }
            try worker.run()
            defer { if worker.isRunning { worker.terminate() } }
            let config = Config.cluster(listen: "127.0.0.1:\(port)", workers: 1, coresPerWorker: 2).registering(F.registry)
            let sc = try await Context(config: config)
            #expect(try await sc.parallelize(Array(0..<100), numPartitions: 4).map(F.Square()).reduce(F.Sum())
                    == (0..<100).map { $0 * $0 }.reduce(0, +))
            // The driver dies as a killed process would: connections reset, no goodbye.
            await sc.cluster?.system.crash()
            let status = await withTaskGroup(of: Int32?.self) { group in
                group.addTask { await exits.first { _ in true } }
                group.addTask {
                    try? await Task.sleep(for: .seconds(30))
                    return nil
                }
                defer { group.cancelAll() }
                return await group.next() ?? nil
            }
            #expect(status == 0)
            await sc.stop()
        }
    
        @Test func piAndWordCountExamplesGiveTheSameAnswersOnACluster() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-examples-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("text.txt").path
            let text = (0..<2000).map { "line \($0 % 17) of the text and \($0 % 5) more words" }.joined(separator: "\n")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let answers = try await sameOnBoth { sc -> [String] in
                let pi = try await PiExample.estimate(sc, samples: 200_000, partitions: 4)
                let words = try await WordCountExample.count(sc, path: path, top: 5, partitions: 3)
                return ["\(pi)", "\(words)"]
            }
            #expect(answers[1].contains("totalWords: 18000"))
        }
    
        @Test func aSlowWorkerGetsSpeculativeCopiesAndTheFirstToFinishWins() async throws {
            var config = try Self.clusterConfig()
            config.speculation = true
            let sc = try await Context(config: config)
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let slow = try #require(sc.cluster?.workerProcessIds.first)
            // Every task on the slow worker takes 20 × 100 ms; on the other, no time.
            let rdd = sc.parallelize(Array(0..<160), numPartitions: 8).map(F.SlowOnProcess(processId: slow, milliseconds: 100))
            #expect(try await rdd.collect() == Array(0..<160))
            let (launched, won, _) = await backend.speculationAndExclusion
            #expect(launched >= 1)
            #expect(won >= 1)
            await sc.stop()
        }

        @Test func aWorkerWhoseTasksKeepFailingIsExcludedFromTheJob() async throws {
            var config = try Self.clusterConfig()
            config.maxFailuresPerWorker = 1
            config.maxTaskFailures = 4
            let sc = try await Context(config: config)
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let bad = try #require(sc.cluster?.workerProcessIds.first)
            let rdd = sc.parallelize(Array(0..<100), numPartitions: 6).map(F.FailOnProcess(processId: bad))
            #expect(try await rdd.reduce(F.Sum()) == (0..<100).reduce(0, +))
            let (_, _, excluded) = await backend.speculationAndExclusion
            var badNodes: [NodeIdentity] = []
            for node in await backend.workerNodes where await backend.processId(of: node) == bad { badNodes.append(node) }
            #expect(badNodes.count == 1)
            #expect(excluded.values.contains { $0.contains(badNodes[0]) })
            await sc.stop()
        }
    
        @Test func tasksMayRunLongerThanTheControlCallTimeout() async throws {
            var config = try Self.clusterConfig()
            config.controlCallTimeout = .milliseconds(200)
            let sc = try await Context(config: config)
            defer { Task { await sc.stop() } }
            let pids = try #require(sc.cluster?.workerProcessIds)
            // Each task sleeps 600 ms on whichever worker runs it.
            var rdd = sc.parallelize([1, 2], numPartitions: 2)
            for pid in pids { rdd = rdd.map(F.SlowOnProcess(processId: pid, milliseconds: 600)) }
            #expect(try await rdd.collect() == [1, 2])
            await sc.stop()
        }
    
        @Test func accumulatorsCountEachPartitionOnceThroughRetriesAndSpeculativeCopies() async throws {
            // Local mode, a local cluster, and a cluster where one worker is slow (speculation on)
            // and every task's first attempt fails on its poison element.
            var speculating = try Self.clusterConfig()
            speculating.speculation = true
            for config in [Config.local(cores: 2).registering(F.registry), try Self.clusterConfig(), speculating] {
                let sc = try await Context(config: config)
                let evens = sc.longAccumulator()
                var rdd = sc.parallelize(Array(0..<400), numPartitions: 8).map(F.CountEvens(evens: evens.handle))
                    .map(F.FailOnce(poison: 50))
                if config.speculation, let slow = sc.cluster?.workerProcessIds.first {
                    rdd = rdd.map(F.SlowOnProcess(processId: slow, milliseconds: 20))
                }
                #expect(try await rdd.count() == 400)
                #expect(evens.value == 200)
                await sc.stop()
            }
        }
    
        @Test func broadcastValuesReachWorkersOncePerWorker() async throws {
            let table = (0..<7).map { $0 * 100 }
            for config in [Config.local(cores: 2).registering(F.registry), try Self.clusterConfig()] {
                let sc = try await Context(config: config)
                let broadcast = sc.broadcast(table)
                let rdd = sc.parallelize(Array(0..<300), numPartitions: 8).map(F.AddFromTable(table: broadcast.handle))
                #expect(try await rdd.collect() == (0..<300).map { $0 + table[$0 % 7] })
                // One fetch per executor: the driver's own in local mode, each worker's on the cluster.
                let executors = config.deployment == .local ? 1 : 2
                #expect(sc.broadcastRegistry.published.fetchCount <= executors)
                #expect(sc.broadcastRegistry.published.fetchCount >= 1)
                await sc.stop()
            }
        }
    
        @Test func largeResultsTravelAsBlocksFetchedInPieces() async throws {
            var config = try Self.clusterConfig()
            config.resultInlineLimit = 1024
            let sc = try await Context(config: config)
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let squares = sc.parallelize(Array(0..<50_000), numPartitions: 4).map(F.Square())
            #expect(try await squares.collect() == (0..<50_000).map { $0 * $0 })
            #expect(await backend.resultBlocksFetched == 4)
            // Small results still ride in the reply.
            #expect(try await squares.count() == 50_000)
            #expect(await backend.resultBlocksFetched == 4)
            await sc.stop()
        }
    
        @Test func tasksRunOnTheWorkerThatCachesTheirInput() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let squares = sc.parallelize(Array(0..<8000), numPartitions: 8).map(F.Square()).cache()
            #expect(try await squares.count() == 8000)
            let before = await backend.localLaunches
            #expect(try await squares.filter(F.IsEven()).count() == 4000)
            #expect(await backend.localLaunches - before == 8)
            await sc.stop()
        }
    
        @Test func unpersistDropsTheCachedPartitionsOnTheWorkers() async throws {
            let sc = try await Context(config: try Self.clusterConfig())
            defer { Task { await sc.stop() } }
            let backend = try #require(sc.cluster?.backend)
            let squares = sc.parallelize(Array(0..<8000), numPartitions: 8).map(F.Square()).cache()
            #expect(try await squares.count() == 8000)
            #expect(await backend.executorFigures().blockCount == 8)
            await squares.unpersist()
            #expect(await backend.executorFigures().blockCount == 0)
            #expect(try await squares.count() == 8000)   // recomputed, not cached again
            #expect(await backend.executorFigures().blockCount == 0)
            await sc.stop()
        }

        @Test func aWorkerNotInTheExpectedListIsRefused() async throws {
            let port = try await Self.freePort()
            let worker = Process()
            worker.executableURL = URL(fileURLWithPath: try Self.atomicExecutable())
            worker.arguments = ["worker", "--driver", "127.0.0.1:\(port)", "--cores", "1", "--memory", "64"]
            worker.standardOutput = FileHandle.nullDevice
            worker.standardError = FileHandle.nullDevice
            let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
            worker.terminationHandler = { exited.yield($0.terminationStatus) }
            try worker.run()
            defer { if worker.isRunning { worker.terminate() } }
            var config = Config.cluster(listen: "127.0.0.1:\(port)", workers: 1).registering(F.registry)
            config.expectedWorkers = ["127.0.0.1:1"]
            config.workerStartTimeout = .seconds(3)
            await #expect(throws: EngineError.self) { _ = try await Context(config: config) }
            // The refused worker says so and exits with status 3.
            #expect(await exits.first { _ in true } == 3)
        }
    }
}
