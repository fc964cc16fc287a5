import Testing
@testable import AtomicRDD
@testable import atomic

/// A failure the tests inject (`WireCodable` and registered in `atomic`, so it comes back from workers as itself).
typealias InjectedFailure = SuiteActionFunctions.InjectedFailure

extension EngineSuite {
    @Suite struct FailureTests {
        typealias F = SuiteActionFunctions

        /// The partitions of the task attempts that ended unsuccessfully, read
        /// from `events` until `successes` attempts have ended well (a failed
        /// attempt ends before its partition's retry does).
        static func failedPartitions(_ events: AsyncStream<TaskEvent>, untilSucceeded successes: Int) async -> [Int] {
            var failed: [Int] = [], succeeded = 0
            var iterator = events.makeAsyncIterator()
            while succeeded < successes, let event = await iterator.next() {
                guard case .ended(let task, let ok) = event else { continue }
                if ok { succeeded += 1 } else { failed.append(task.partition) }
            }
            return failed.sorted()
        }

        @Test(arguments: EngineSetup.shippable)
        func failedTaskIsRetriedThenSucceeds(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let attempts = sc.collectionAccumulator(Int.self)
                let events = sc.taskEvents()
                let rdd = sc.parallelize(Array(0..<40), numPartitions: 4).map(F.FailWhen.inPartition(2, attemptsBelow: 2))
                    .map(SuitePairFunctions.Affine(multiplier: 2))
                #expect(try await rdd.collect() == (0..<40).map { $0 * 2 })
                #expect(await Self.failedPartitions(events, untilSucceeded: 4) == [2, 2], "partition 2 failed twice, then succeeded")
                try await sc.parallelize([0], numPartitions: 1).forEach(F.CollectAttempts(attempts.handle))
                #expect(attempts.value == [0])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func retriesExhaustedFailTheJobWithStagePartitionAttemptsAndCause(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 3) { sc async throws in
                let rdd = sc.parallelize(Array(0..<10), numPartitions: 5).map(F.FailWhen.inPartition(3))
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
                #expect(try await sc.parallelize(Array(1...4)).reduce(StandardFunctions.SumInts()) == 10)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func failureInMapStageOfShuffleIsRetried(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let events = sc.taskEvents()
                let pairs = sc.parallelize(Array(0..<100), numPartitions: 4).map(F.FailWhen.inPartition(1, attemptsBelow: 1))
                    .map(SuitePairFunctions.ResidueWithOne(modulus: 7))
                let counts = Dictionary(uniqueKeysWithValues: try await pairs.reduceByKey(StandardFunctions.SumInts()).collect())
                #expect(counts == Dictionary((0..<100).map { ($0 % 7, 1) }, uniquingKeysWith: +))
                // The map stage's 4 tasks end first, map partition 1's failed attempt among them.
                #expect(await Self.failedPartitions(events, untilSucceeded: 4) == [1])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func accumulatorCountsOncePerPartitionUnderRetries(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let seen = sc.longAccumulator()
                let events = sc.taskEvents()
                // Fail after adding, late in the partition, on the first two attempts of the even partitions.
                let rdd = sc.parallelize(Array(0..<100), numPartitions: 5).map(F.Tally(seen.handle))
                    .map(F.FailWhen(partitionModulus: 2, partitionRemainder: 0, attemptsBelow: 2, valueModulus: 20, valueRemainder: 19))
                #expect(try await rdd.count() == 100)
                #expect(seen.value == 100)
                #expect(await Self.failedPartitions(events, untilSucceeded: 5) == [0, 0, 2, 2, 4, 4])
                // Through a shuffle map stage too.
                let mapped = sc.longAccumulator()
                let pairs = sc.parallelize(Array(0..<60), numPartitions: 3).map(F.Tally(mapped.handle, addsValue: true))
                    .map(F.FailWhen.at(59, attemptsBelow: 1)).map(ClusterFunctions.ModuloKey(modulus: 3))
                #expect(try await pairs.reduceByKey(StandardFunctions.SumInts()).count() == 3)
                #expect(mapped.value == (0..<60).reduce(0, +))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func cancellingTheAwaitingTaskCancelsTheJob(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                // Endless: only the cancellation ends it.
                let endless = sc.range(0, Int.max / 4, numPartitions: 2).map(ClusterFunctions.Pause(milliseconds: 1, every: 10_000))
                let events = sc.taskEvents()
                let job = Task { try await endless.count() }
                let started = await events.first { if case .started = $0 { true } else { false } }
                #expect(started?.task.partition ?? -1 >= 0)
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
