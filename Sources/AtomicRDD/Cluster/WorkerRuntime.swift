import AtomicActors
import AtomicTransport
import Synchronization

/// What a worker process runs tasks with: its own Context (executor memory,
/// shuffle and block managers, task threads) and the lineage it rebuilt for the
/// jobs it has seen.
final class WorkerRuntime: Sendable {
    let context: Context
    let system: ClusterSystem
    /// Rebuilt lineage of recent jobs, by job id (oldest first).
    private let rebuilt = Mutex<[(jobId: Int, rdds: [Int: AnyRDD])]>([])
    private static let jobsKept = 8
    /// Shuffle bytes this worker fetched from others.
    let fetchStatistics = FetchStatistics()
    /// Serves this worker's shuffle buckets to the others.
    let blockServer: BlockServer
    /// Fetches shuffle buckets from the others' block servers.
    let blocks: BlockClient
    /// On an in-process cluster: where the driver leaves tasks by reference.
    let handoff: InProcessHandoff?
    /// The driver this worker registered with (the one member that serves no blocks).
    let driverNode: NodeIdentity
    /// The cancellation flag of each recent job (oldest first), shared by its tasks here.
    private let cancellations = Mutex<[(jobId: Int, flag: CancellationFlag)]>([])
    private static let cancellationsKept = 64

    init(context: Context, system: ClusterSystem, driverNode: NodeIdentity, blockServer: BlockServer,
         handoff: InProcessHandoff? = nil) {
        self.context = context
        self.driverNode = driverNode
        self.system = system
        self.blockServer = blockServer
        self.blocks = BlockClient(system: system)
        self.handoff = handoff
    }

    /// Runs a shipped task and reports how it ended.
    func run(_ descriptor: TaskDescriptor) async -> TaskReply {
        prepareBlockConnections()
        if descriptor.handoffToken >= 0 { return await runHandedOff(descriptor) }
        let (report, task) = await execute(descriptor)
        switch report {
        case .failed, .failedWithValue:
            // A failed task's additions never count.
            return TaskReply(report: report, accumulators: [:])
        default:
            var updates: [Int: [UInt8]] = [:]
            for case let update as EncodedAccumulatorSource in task.accumulatorUpdates.values {
                updates[update.encoded.id] = update.encoded.value
            }
            return TaskReply(report: report, accumulators: updates)
        }
    }

    /// Starts connecting to the block server of every other worker this node
    /// knows of and has no connection to, so that reduce tasks find the
    /// connections open (checked at each task: a worker may learn of the
    /// others after its first task).
    func prepareBlockConnections() {
        let (own, driver) = (system.identity, driverNode)
        blocks.prepare(system.members.lazy.filter { $0 != own && $0 != driver })
    }

    /// Runs a task the driver of an in-process cluster left by reference, as
    /// local mode runs it but on this worker's executor, reading shuffle inputs
    /// from wherever they live.
    private func runHandedOff(_ descriptor: TaskDescriptor) async -> TaskReply {
        let token = descriptor.handoffToken
        guard let handoff, let launch = handoff.takeLaunch(token) else {
            let reason = handoff == nil ? "this worker is not in the driver's process" : "no task under token \(token)"
            return TaskReply(report: .failed(type: "EngineError", message: "\(EngineError.invalidArgument(operation: "runTask", reason: reason))"),
                             accumulators: [:])
        }
        let (_, outcome, updates) = await Executor.execute(launch, environment: context.environment,
                                                           shuffleSource: shuffleSource(descriptor))
        handoff.finish(token, InProcessHandoff.Ended(outcome: outcome, accumulatorUpdates: updates))
        return TaskReply(report: .handedOff(token: token), accumulators: [:])
    }

    /// Where a task finds its shuffle inputs: here, or fetched from the worker holding them.
    private func shuffleSource(_ descriptor: TaskDescriptor) -> ShuffleSource {
        let blocks = blocks
        var source = ShuffleSource(locations: descriptor.locations, localNode: system.identity) { node, shuffleId, mapIndex, reduce in
            try await blocks.fetch(BlockRequest(shuffleId: shuffleId, mapIndex: mapIndex, reduce: reduce), from: node)
        }
        source.bucketBytes = descriptor.bucketBytes
        source.maxBytesInFlight = max(1, descriptor.maxBytesInFlight)
        source.statistics = fetchStatistics
        return source
    }

    /// The cancellation flag of a job's tasks here.
    private func cancellationFlag(of jobId: Int) -> CancellationFlag {
        cancellations.withLock { jobs in
            if let known = jobs.first(where: { $0.jobId == jobId }) { return known.flag }
            let flag = CancellationFlag()
            jobs.append((jobId, flag))
            if jobs.count > Self.cancellationsKept { jobs.removeFirst() }
            return flag
        }
    }

    /// Cancels a job's tasks here: those running stop at their next check, and
    /// those arriving after the cancellation (calls may overtake each other) fail at once.
    func cancel(jobId: Int) { cancellationFlag(of: jobId).set() }

    private func execute(_ descriptor: TaskDescriptor) async -> (TaskReport, TaskContext) {
        let task = TaskContext(stageId: descriptor.stageId, partition: descriptor.partition, attempt: descriptor.attempt,
                               taskAttemptId: descriptor.taskId, environment: context.environment,
                               cancellation: cancellationFlag(of: descriptor.jobId), shuffleSource: shuffleSource(descriptor),
                               shippedSlices: descriptor.slices)
        let environment = context.environment
        // The first task's allocations take the pages the worker warmed at start.
        WarmReserve.process.release()
        defer {
            task.runCompletionHandlers()
            environment.spillCount.add(task.metrics.spillCount, ordering: .relaxed)
        }
        do {
            try task.checkCancelled()
            let rdds = try lineage(of: descriptor)
            guard let root = rdds[descriptor.rootId] else {
                throw EngineError.lineageNotRebuilt(operator: "job", reason: "the plan has no RDD #\(descriptor.rootId)")
            }
            if descriptor.shuffleId >= 0 {
                guard let dependency = Self.shuffle(descriptor.shuffleId, in: root) else {
                    throw EngineError.lineageNotRebuilt(operator: "job", reason: "no shuffle \(descriptor.shuffleId) in the plan")
                }
                let status = try await TaskContext.$asyncCurrent.withValue(task) {
                    try await dependency.runMapTask(descriptor.partition, task)
                }
                return (.mapOutput(bytesPerReducer: status.bytesPerReducer, records: status.records), task)
            }
            let specialized = context.config.specializations.results[OperatorSpecializations.key(root.elementType)]
            let value = try await TaskContext.$asyncCurrent.withValue(task) {
                if descriptor.result == CheckpointFiles.writeAction {
                    return try await root.writeCheckpointPartition(descriptor.resultArguments, descriptor.partition, task)
                }
                if let specialized,
                   let value = try await specialized(descriptor.result, descriptor.resultFunction, root, descriptor.partition, task) {
                    return value
                }
                return try await root.remoteResult(descriptor.result, function: descriptor.resultFunction, descriptor.partition, task)
            }
            if value.count > descriptor.resultInlineLimit {
                return (.resultBlock(token: keepResult(value), size: value.count), task)
            }
            return (.result(value), task)
        } catch EngineError.fetchFailed(let shuffleId, let mapIndex, _) {
            return (.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex), task)
        } catch {
            return (.failure(error), task)
        }
    }

    /// Large results kept for the driver to fetch, by token.
    private let results = KeptResults()

    private func keepResult(_ bytes: [UInt8]) -> Int { results.keep(bytes) }

    /// Up to `length` bytes of a kept result from `offset` (see ``KeptResults/chunk(token:offset:length:)``).
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` for an unknown token or a bad range.
    func resultChunk(token: Int, offset: Int, length: Int) throws -> [UInt8] {
        try results.chunk(token: token, offset: offset, length: length)
    }

    /// The job's RDDs, rebuilt once per job.
    private func lineage(of descriptor: TaskDescriptor) throws -> [Int: AnyRDD] {
        if let known = rebuilt.withLock({ $0.first { $0.jobId == descriptor.jobId }?.rdds }) { return known }
        var reader = WireReader(descriptor.plan)
        let plan = try LineagePlan(from: &reader)
        let rdds = try OperatorCatalog.rebuild(plan, in: context)
        rebuilt.withLock { jobs in
            jobs.append((descriptor.jobId, rdds))
            if jobs.count > Self.jobsKept { jobs.removeFirst() }
        }
        return rdds
    }

    /// The shuffle dependency with this id in `rdd`'s lineage.
    private static func shuffle(_ shuffleId: Int, in rdd: AnyRDD) -> ShuffleDependencyBase? {
        var pending = [rdd]
        var seen: Set<Int> = []
        while let next = pending.popLast() {
            guard seen.insert(next.id).inserted else { continue }
            for dependency in next.dependencies {
                if let shuffle = dependency as? ShuffleDependencyBase, shuffle.shuffleId == shuffleId { return shuffle }
                pending.append(dependency.parent)
            }
        }
        return nil
    }
}
