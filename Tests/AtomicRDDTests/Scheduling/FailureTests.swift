import Testing
@testable import AtomicRDD

/// A failure the tests inject.
struct InjectedFailure: Error, Equatable { let partition: Int }

extension EngineSuite {
    @Suite struct FailureTests {
        @Test(arguments: EngineSetup.all)
        func failedTaskIsRetriedThenSucceeds(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let attempts = sc.collectionAccumulator(Int.self)
                let rdd = sc.parallelize(Array(0..<40), numPartitions: 4).map { value -> Int in
                    let task = TaskContext.current!
                    if task.partition == 2 && task.attempt < 2 { throw InjectedFailure(partition: 2) }
                    return value * 2
                }
                #expect(try await rdd.collect() == (0..<40).map { $0 * 2 })
                try await sc.parallelize([0], numPartitions: 1).forEach { _ in attempts.add(TaskContext.current!.attempt) }
                #expect(attempts.value == [0])
            }
        }

        @Test(arguments: EngineSetup.all)
        func retriesExhaustedFailTheJobWithStagePartitionAttemptsAndCause(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 3) { sc async throws in
                let rdd = sc.parallelize(Array(0..<10), numPartitions: 5).map { value -> Int in
                    if TaskContext.current!.partition == 3 { throw InjectedFailure(partition: 3) }
                    return value
                }
                do {
                    _ = try await rdd.collect()
                    Issue.record("the job should have failed")
                } catch let failure as JobFailedError {
                    #expect(failure.partition == 3)
                    #expect(failure.attempts == 3)
                    #expect(failure.underlying as? InjectedFailure == InjectedFailure(partition: 3))
                    #expect("\(failure)".contains("partition 3"))
                }
                // The Context stays usable.
                #expect(try await sc.parallelize(Array(1...4)).reduce(+) == 10)
            }
        }

        @Test(arguments: EngineSetup.all)
        func failureInMapStageOfShuffleIsRetried(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let pairs = sc.parallelize(Array(0..<100), numPartitions: 4).map { value -> (Int, Int) in
                    let task = TaskContext.current!
                    if task.partition == 1 && task.attempt == 0 { throw InjectedFailure(partition: 1) }
                    return (value % 7, 1)
                }
                let counts = Dictionary(uniqueKeysWithValues: try await pairs.reduceByKey(+).collect())
                #expect(counts == Dictionary((0..<100).map { ($0 % 7, 1) }, uniquingKeysWith: +))
            }
        }

        @Test(arguments: EngineSetup.all)
        func accumulatorCountsOncePerPartitionUnderRetries(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let seen = sc.longAccumulator()
                let rdd = sc.parallelize(Array(0..<100), numPartitions: 5).map { value -> Int in
                    seen.add(1)
                    let task = TaskContext.current!
                    // Fail after adding, late in the partition, on the first two attempts.
                    if task.partition.isMultiple(of: 2), task.attempt < 2, value % 20 == 19 { throw InjectedFailure(partition: task.partition) }
                    return value
                }
                #expect(try await rdd.count() == 100)
                #expect(seen.value == 100)
                // Through a shuffle map stage too.
                let mapped = sc.longAccumulator()
                let pairs = sc.parallelize(Array(0..<60), numPartitions: 3).map { value -> (Int, Int) in
                    mapped.add(value)
                    if TaskContext.current!.attempt == 0, value == 59 { throw InjectedFailure(partition: 2) }
                    return (value % 3, value)
                }
                #expect(try await pairs.reduceByKey(+).count() == 3)
                #expect(mapped.value == (0..<60).reduce(0, +))
            }
        }

        @Test(arguments: EngineSetup.all)
        func cancellingTheAwaitingTaskCancelsTheJob(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let (started, signal) = AsyncStream.makeStream(of: Void.self)
                let endless = sc.range(0, Int.max / 4, numPartitions: 2).map { value -> Int in
                    if value == 0 { signal.yield() }
                    return value
                }
                let job = Task { try await endless.count() }
                var iterator = started.makeAsyncIterator()
                _ = await iterator.next()
                job.cancel()
                await #expect(throws: CancellationError.self) { try await job.value }
                await sc.waitForRunningTasks()
                #expect(await sc.isIdle())
                #expect(try await sc.parallelize([1, 2, 3]).count() == 3)
            }
        }

        @Test func stoppedContextRefusesJobs() async throws {
            let sc = try await Context(config: .local(cores: 1))
            let rdd = sc.parallelize([1, 2, 3])
            await sc.stop()
            await #expect(throws: EngineError.self) { try await rdd.count() }
            #expect(sc.isStopped)
        }
    }
}
