import Testing
@testable import AtomicRDD

/// A task backend that runs nothing: it hands launched tasks to the test, which
/// completes them by hand.
actor FakeTaskBackend: TaskBackend {
    private var launched: [TaskLaunch] = []
    private var waiters: [(count: Int, continuation: CheckedContinuation<[TaskLaunch], Never>)] = []
    private(set) var cancelledJobs: [Int] = []

    func submit(_ launches: [TaskLaunch]) async {
        launched += launches
        wake()
    }

    func cancelJob(_ jobId: Int) async { cancelledJobs.append(jobId) }

    /// Waits until `count` tasks are waiting, and takes them.
    func take(_ count: Int) async -> [TaskLaunch] {
        if launched.count >= count { return takeNow(count) }
        return await withCheckedContinuation { waiters.append((count, $0)) }
    }

    private func takeNow(_ count: Int) -> [TaskLaunch] {
        defer { launched.removeFirst(count) }
        return Array(launched.prefix(count))
    }

    private func wake() {
        guard let waiter = waiters.first, launched.count >= waiter.count else { return }
        waiters.removeFirst()
        waiter.continuation.resume(returning: takeNow(waiter.count))
    }
}

extension EngineSuite {
    @Suite struct DAGSchedulerTests {
        @Test func jobCompletesWhenTheFakeBackendsTasksAreCompletedByHand() async throws {
            let sc = try await Context(config: .local(cores: 1))
            defer { Task { await sc.stop() } }
            let backend = FakeTaskBackend()
            let dag = DAGScheduler(backend: backend, maxTaskFailures: 2)
            let rdd = sc.parallelize(Array(0..<6), numPartitions: 3).map { ($0 % 2, $0) }.reduceByKey(numPartitions: 2, +)
            let job = Task {
                try await dag.runJob(rdd: rdd, partitions: [0, 1], jobId: 0) { partition in .result { _ in partition * 100 } }
            }
            let maps = await backend.take(3)
            #expect(maps.allSatisfy { if case .shuffleMap = $0.work { return true }; return false })
            for launch in maps {
                await dag.taskEnded(launch.spec, .mapOutput(MapStatus(executorId: "fake", bytesPerReducer: [0, 0], records: 2)), accumulators: [])
            }
            let results = await backend.take(2)
            // The first result task fails once and is relaunched by the scheduler.
            await dag.taskEnded(results[0].spec, .failed(InjectedFailure(partition: 0)), accumulators: [])
            let retry = await backend.take(1)
            #expect(retry[0].spec.partition == results[0].spec.partition && retry[0].spec.attempt == 1)
            await dag.taskEnded(retry[0].spec, .result(100 * retry[0].spec.partition), accumulators: [])
            await dag.taskEnded(results[1].spec, .result(100 * results[1].spec.partition), accumulators: [])
            #expect(try await job.value.map { $0 as! Int } == [0, 100])
            #expect(await dag.isIdle)
        }

        @Test func jobFailureCancelsTheJobOnTheBackend() async throws {
            let sc = try await Context(config: .local(cores: 1))
            defer { Task { await sc.stop() } }
            let backend = FakeTaskBackend()
            let dag = DAGScheduler(backend: backend, maxTaskFailures: 1)
            let rdd = sc.parallelize(Array(0..<4), numPartitions: 2)
            let job = Task { try await dag.runJob(rdd: rdd, partitions: [0, 1], jobId: 9) { _ in .result { _ in 0 } } }
            let tasks = await backend.take(2)
            await dag.taskEnded(tasks[1].spec, .failed(InjectedFailure(partition: 1)), accumulators: [])
            await #expect(throws: JobFailedError.self) { try await job.value }
            #expect(await backend.cancelledJobs == [9])
            #expect(tasks[0].cancellation.isSet)
            await dag.taskEnded(tasks[0].spec, .result(0), accumulators: [])
            #expect(await dag.isIdle)
        }
    }
}
