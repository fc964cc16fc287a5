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
    /// The workers of a multi-process cluster (nil in local mode and on workers).
    let cluster: ClusterDriver?
    /// True for a worker's Context: it runs shipped tasks and owns no shuffles.
    let isWorker: Bool
    let broadcastRegistry = BroadcastRegistry()
    /// The accumulators whose handles travel to tasks.
    let accumulatorRegistry = AccumulatorRegistry()
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
        let published = broadcastRegistry.published
        environment = ExecutorEnvironment(executorId: "driver", cores: config.cores,
                                          memory: config.executorMemory, scratch: scratch, accumulators: accumulatorRegistry,
                                          broadcastSource: { try published.bytes(of: $0) })
        broadcastRegistry.add(environment.broadcasts)
        executor = Executor(environment: environment)
        taskScheduler = TaskScheduler(executor: executor, slots: config.cores)
        isWorker = false
        if config.deployment == .local {
            cluster = nil
            dagScheduler = DAGScheduler(backend: taskScheduler, maxTaskFailures: config.maxTaskFailures)
        } else {
            let cluster = try await ClusterDriver.start(config: config, accumulators: accumulatorRegistry,
                                                        broadcasts: broadcastRegistry.published)
            self.cluster = cluster
            dagScheduler = DAGScheduler(backend: cluster.backend, maxTaskFailures: config.maxTaskFailures)
            await cluster.backend.attach(dagScheduler)
            // `unpersist()` of a broadcast reaches the executors of in-process workers too,
            // and worker processes through their service.
            for worker in cluster.inProcessEnvironments { broadcastRegistry.add(worker.broadcasts) }
            if !cluster.handsOffTasks {
                let backend = cluster.backend
                broadcastRegistry.forgetRemotely { await backend.removeBroadcast($0) }
            }
        }
        await taskScheduler.attach(dagScheduler)
        do { try await cluster?.waitForWorkers() } catch {
            await stop()
            throw error
        }
    }

    /// A worker's Context: it rebuilds and runs the tasks the driver ships.
    init(workerConfig config: Config, executorId: String, broadcastSource: @escaping @Sendable (Int) throws -> [UInt8]) throws {
        self.config = config
        scratch = try ScratchSpace(parent: config.scratchDirectory, appName: config.appName)
        environment = ExecutorEnvironment(executorId: executorId, cores: config.cores,
                                          memory: config.executorMemory, scratch: scratch, broadcastSource: broadcastSource)
        broadcastRegistry.add(environment.broadcasts)
        executor = Executor(environment: environment)
        taskScheduler = TaskScheduler(executor: executor, slots: config.cores)
        dagScheduler = DAGScheduler(backend: taskScheduler, maxTaskFailures: config.maxTaskFailures)
        cluster = nil
        isWorker = true
        // Ids a worker allocates beyond the replayed ones never meet the driver's.
        counters.withLock { $0.rdd = 1 << 40; $0.shuffle = 1 << 40 }
    }

    /// Stops the Context: deletes shuffle files, cached blocks and the scratch
    /// folder, and ends the task threads. Later jobs fail with ``EngineError/contextStopped``.
    public func stop() async {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        await finishCleanups()
        dagScheduler.events.finish()
        await cluster?.stop()
        await environment.shuffleManager.removeAll()
        environment.blockManager.store.removeAll()
        environment.threads.stop()
        scratch.remove()
    }

    /// True when jobs travel to workers as their lineage's plan (a multi-process
    /// cluster): closures cannot, registered functions can.
    var shipsPlans: Bool { cluster.map { !$0.handsOffTasks } ?? false }

    /// The executors that run this Context's tasks: its own in local mode, the
    /// worker nodes' on an in-process cluster, none it can see on a multi-process one.
    var executorEnvironments: [ExecutorEnvironment] {
        guard let cluster else { return [environment] }
        return cluster.inProcessEnvironments
    }

    /// True once `stop()` was called.
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    // MARK: - Ids

    func nextRDDId() -> Int {
        if let replayed = IdLogs.replaying?.nextRDD() { return replayed }
        let id = counters.withLock { $0.rdd += 1; return $0.rdd }
        IdLogs.recording?.recordRDD(id)
        return id
    }

    func nextShuffleId() -> Int {
        if let replayed = IdLogs.replaying?.nextShuffle() { return replayed }
        let id = counters.withLock {
            $0.shuffle += 1
            $0.liveShuffles.insert($0.shuffle)
            return $0.shuffle
        }
        IdLogs.recording?.recordShuffle(id)
        return id
    }

    /// Called when the last RDD reading a shuffle goes away: its files are deleted.
    func releaseShuffle(_ shuffleId: Int) {
        counters.withLock { _ = $0.liveShuffles.remove(shuffleId) }
        // A worker's rebuilt lineage comes and goes; the driver says when a shuffle is gone.
        guard !isStopped, !isWorker else { return }
        let manager = environment.shuffleManager, dag = dagScheduler, backend = cluster?.backend
        let cleanup = Task {
            await dag.forgetShuffle(shuffleId)
            await manager.remove(shuffleId: shuffleId)
            await backend?.removeShuffle(shuffleId)
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
        try await runJob(rdd, partitions: partitions, remote: nil, body)
    }

    /// ``runJob(_:partitions:_:)`` that a multi-process cluster can also run:
    /// `remote` names the action the workers compute instead of `body`.
    func runJob<T, U: Sendable>(_ rdd: RDD<T>, partitions: [Int]? = nil, remote: RemoteResult<U>?,
                                _ body: @escaping @Sendable (TaskContext, inout Records<T>) throws -> U) async throws -> [U] {
        guard !isStopped else { throw EngineError.contextStopped }
        if shipsPlans, remote == nil {
            throw EngineError.notShippable(operator: "runJob", rddId: rdd.id,
                                           reason: "the action runs a closure; use collect or count")
        }
        let wanted = partitions ?? Array(0..<rdd.partitionCount)
        for p in wanted where p < 0 || p >= rdd.partitionCount {
            throw EngineError.invalidArgument(operation: "runJob", reason: "partition \(p) of \(rdd.partitionCount)")
        }
        try await prepareShuffles(of: rdd)
        if shipsPlans { await broadcastRegistry.finishRemovals() }
        var remoteJob: RemoteJob?
        if shipsPlans, let remote {
            // After preparing: the plan carries the sampled bounds of range partitioners.
            let plan = try LineagePlan(of: rdd)
            remoteJob = RemoteJob(plan: plan.wireBytes(), rootId: rdd.id, root: rdd, slices: plan.slices, result: remote.kind,
                                  resultFunction: remote.function, resultArguments: remote.arguments) {
                try remote.decode($0)
            }
        }
        let work: @Sendable (Int) -> TaskWork = { partition in
            .result { task in
                let records = Handoff(value: try await rdd.iterator(partition, task))
                return try await task.environment.threads.run(task) { () -> U in
                    var input = records.value
                    return try body(task, &input)
                }
            }
        }
        let dag = dagScheduler
        let jobId = await dag.newJobId()
        let values = try await withTaskCancellationHandler {
            try await dag.runJob(rdd: rdd, partitions: wanted, jobId: jobId, remote: remoteJob, work: work)
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
        return Accumulator(id: id, kind: kind, registry: accumulatorRegistry)
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
        let clusterIdle = await cluster?.backend.isIdle ?? true
        return dagIdle && queued == 0 && running == 0 && clusterIdle
    }

    /// Returns once no task is running: tasks of a failed or cancelled job
    /// finish on their own after the job has ended.
    public func waitForRunningTasks() async {
        await executor.whenIdle()
        await cluster?.backend.whenIdle()
    }

    /// Bytes of the executors' memory budgets in use (summed over the worker
    /// nodes of an in-process cluster; the driver's own on a multi-process one).
    public var memoryUsed: Int {
        guard cluster != nil else { return environment.memory.usedBytes }
        return (executorEnvironments + [environment]).reduce(0) { $0 + $1.memory.usedBytes }
    }
    /// The most bytes of the memory budget in use at once (the greatest over
    /// the executors of an in-process cluster; the driver's own on a
    /// multi-process one, whose workers keep theirs).
    public var peakMemoryUsed: Int { (executorEnvironments + [environment]).map(\.memory.peakBytes).max() ?? 0 }
    /// How many broadcast values the executors have materialized (summed over
    /// the worker nodes of an in-process cluster; 0 on a multi-process one,
    /// whose workers count their own).
    public var broadcastMaterializations: Int {
        executorEnvironments.reduce(0) { $0 + $1.broadcasts.materializationCount }
    }
    /// The registered functions this Context's jobs may name.
    public var registry: FunctionRegistry { config.registry }

    /// The scratch folder of this Context.
    public var scratchPath: String { scratch.path }
    /// Spills to disk made by the tasks that have ended (shuffle writers,
    /// aggregations, sorts), on every executor, worker processes included.
    func spills() async -> Int {
        guard let cluster else { return environment.spillCount.load(ordering: .relaxed) }
        return await cluster.backend.executorFigures().spills
    }
}
