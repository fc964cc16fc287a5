import Foundation
import Synchronization

/// The entry point of the engine: it makes RDDs and runs their jobs.
///
/// A Context owns its schedulers, executors, scratch folder, broadcasts and
/// accumulators; nothing is global, so several can live in one process.
///
/// ```swift
/// let sc = try await Context(config: .local(cores: 2))
/// let total = try await sc.parallelize(1...100, numPartitions: 4).reduce(+)
/// await sc.stop()
/// ```
public final class Context: Sendable {
    /// The configuration the Context was made with.
    public let config: Config
    let scratch: ScratchSpace
    let environment: ExecutorEnvironment
    let executor: Executor
    let taskScheduler: TaskScheduler
    let dagScheduler: DAGScheduler
    let broadcastRegistry = BroadcastRegistry()
    private let counters = Mutex(Counters())
    private let stopped = Atomic<Bool>(false)
    private let pendingCleanups = Mutex<[Task<Void, Never>]>([])

    private struct Counters {
        var rdd = 0, shuffle = 0, broadcast = 0, accumulator = 0
        var liveShuffles: Set<Int> = []
    }

    /// Starts a Context: its scratch folder, executor and schedulers.
    ///
    /// - Throws: ``EngineError/scratchUnavailable(path:reason:)``.
    public init(config: Config = .local()) async throws {
        self.config = config
        scratch = try ScratchSpace(parent: config.scratchDirectory, appName: config.appName)
        environment = ExecutorEnvironment(executorId: "driver", cores: config.cores,
                                          memory: config.executorMemory, scratch: scratch)
        broadcastRegistry.add(environment.broadcasts)
        executor = Executor(environment: environment)
        taskScheduler = TaskScheduler(executor: executor, slots: config.cores)
        dagScheduler = DAGScheduler(backend: taskScheduler, maxTaskFailures: config.maxTaskFailures)
        await taskScheduler.attach(dagScheduler)
    }

    /// Stops the Context: deletes shuffle files, cached blocks and the scratch
    /// folder, and ends the task threads. Later jobs fail with ``EngineError/contextStopped``.
    public func stop() async {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        await finishCleanups()
        await environment.shuffleManager.removeAll()
        environment.blockManager.store.removeAll()
        environment.threads.stop()
        scratch.remove()
    }

    /// True once `stop()` was called.
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    // MARK: - Ids

    func nextRDDId() -> Int { counters.withLock { $0.rdd += 1; return $0.rdd } }

    func nextShuffleId() -> Int {
        counters.withLock {
            $0.shuffle += 1
            $0.liveShuffles.insert($0.shuffle)
            return $0.shuffle
        }
    }

    /// Called when the last RDD reading a shuffle goes away: its files are deleted.
    func releaseShuffle(_ shuffleId: Int) {
        counters.withLock { _ = $0.liveShuffles.remove(shuffleId) }
        guard !isStopped else { return }
        let manager = environment.shuffleManager, dag = dagScheduler
        let cleanup = Task {
            await dag.forgetShuffle(shuffleId)
            await manager.remove(shuffleId: shuffleId)
        }
        pendingCleanups.withLock { $0.append(cleanup) }
    }

    /// Returns once the shuffle files of RDDs gone so far are deleted.
    func finishCleanups() async {
        let tasks = pendingCleanups.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { await task.value }
    }

    /// Ids of shuffles some live RDD still reads.
    var liveShuffleIds: Set<Int> { counters.withLock { $0.liveShuffles } }

    // MARK: - Jobs

    /// Runs a job: `body` turns each requested partition's records into a value.
    /// The values come back in the order of `partitions` (all partitions by default).
    ///
    /// - Throws: ``JobFailedError`` when a task keeps failing, `CancellationError`
    ///   when the calling task is cancelled, ``EngineError/contextStopped``.
    public func runJob<T, U: Sendable>(_ rdd: RDD<T>, partitions: [Int]? = nil,
                                       _ body: @escaping @Sendable (TaskContext, inout Records<T>) throws -> U) async throws -> [U] {
        guard !isStopped else { throw EngineError.contextStopped }
        let wanted = partitions ?? Array(0..<rdd.partitionCount)
        for p in wanted where p < 0 || p >= rdd.partitionCount {
            throw EngineError.invalidArgument(operation: "runJob", reason: "partition \(p) of \(rdd.partitionCount)")
        }
        try await prepareShuffles(of: rdd)
        let threads = environment.threads
        let work: @Sendable (Int) -> TaskWork = { partition in
            .result { task in
                let records = Handoff(value: try await rdd.iterator(partition, task))
                return try await threads.run(task) { () -> U in
                    var input = records.value
                    return try body(task, &input)
                }
            }
        }
        let dag = dagScheduler
        let jobId = await dag.newJobId()
        let values = try await withTaskCancellationHandler {
            try await dag.runJob(rdd: rdd, partitions: wanted, jobId: jobId, work: work)
        } onCancel: {
            Task { await dag.cancel(jobId: jobId) }
        }
        try await checkpointIfRequested(rdd)
        return values.map { $0 as! U }
    }

    // MARK: - Shared variables

    /// A read-only value materialized once per executor.
    public func broadcast<Value: Sendable>(_ value: Value) -> Broadcast<Value> {
        let id = counters.withLock { $0.broadcast += 1; return $0.broadcast }
        return Broadcast(id: id, value: value, registry: broadcastRegistry)
    }

    /// An accumulator of the given kind.
    public func accumulator<Kind: AccumulatorKind>(_ kind: Kind) -> Accumulator<Kind> {
        let id = counters.withLock { $0.accumulator += 1; return $0.accumulator }
        return Accumulator(id: id, kind: kind)
    }

    /// An accumulator adding up integers.
    public func longAccumulator() -> Accumulator<SumAccumulator<Int>> { accumulator(SumAccumulator<Int>()) }
    /// An accumulator adding up doubles.
    public func doubleAccumulator() -> Accumulator<SumAccumulator<Double>> { accumulator(SumAccumulator<Double>()) }
    /// An accumulator keeping the greatest value added.
    public func maxAccumulator<T: Comparable & Sendable>(_: T.Type) -> Accumulator<MaxAccumulator<T>> { accumulator(MaxAccumulator<T>()) }
    /// An accumulator collecting the values added.
    public func collectionAccumulator<T: Sendable>(_: T.Type) -> Accumulator<CollectionAccumulator<T>> { accumulator(CollectionAccumulator<T>()) }

    // MARK: - Diagnostics

    /// True when no job, stage or task is in flight (what tests assert at their end).
    public func isIdle() async -> Bool {
        let dagIdle = await dagScheduler.isIdle
        let queued = await taskScheduler.queuedTasks
        let running = await executor.runningTasks
        return dagIdle && queued == 0 && running == 0
    }

    /// Returns once no task is running: tasks of a failed or cancelled job
    /// finish on their own after the job has ended.
    public func waitForRunningTasks() async { await executor.whenIdle() }

    /// Bytes of the executor's memory budget in use.
    public var memoryUsed: Int { environment.memory.usedBytes }
    /// The most bytes of the memory budget in use at once.
    public var peakMemoryUsed: Int { environment.memory.peakBytes }
    /// How many broadcast values the executor has materialized.
    public var broadcastMaterializations: Int { environment.broadcasts.materializationCount }
    /// The registered functions this Context's jobs may name.
    public var registry: FunctionRegistry { config.registry }

    /// The scratch folder of this Context.
    public var scratchPath: String { scratch.path }
    /// Spills to disk made by the tasks that have ended (shuffle writers, aggregations, sorts).
    var spillCount: Int { environment.spillCount.load(ordering: .relaxed) }
}
