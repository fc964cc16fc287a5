/// Turns jobs into stages and stages into tasks, and lives on the driver.
///
/// It owns a ``SchedulerState`` (the pure bookkeeping: stages, their attempts,
/// task failures, available map outputs) and performs what it decides: tasks go
/// to the ``TaskBackend``, results and failures to the caller awaiting the job,
/// accumulator updates to their accumulators. Only this actor touches the state.
actor DAGScheduler {
    private struct Job {
        let continuation: CheckedContinuation<[any Sendable], any Error>
        var results: [(any Sendable)?]
        let work: @Sendable (Int) -> TaskWork
        let cancellation: CancellationFlag
        let remote: RemoteJob?
    }

    private var state: SchedulerState
    private let backend: any TaskBackend
    private var jobs: [Int: Job] = [:]
    private var nextJobId = 0
    /// Where the task backends post task starts and ends (see ``Context/taskEvents()``).
    nonisolated let events = TaskEventBus()

    init(backend: any TaskBackend, maxTaskFailures: Int) {
        self.backend = backend
        self.state = SchedulerState(maxTaskFailures: maxTaskFailures)
    }

    /// Runs a job over `partitions` of `rdd`; `work` says what the task of a
    /// partition does. Returns one value per partition, in order.
    func runJob(rdd: AnyRDD, partitions: [Int], jobId: Int, remote: RemoteJob? = nil,
                work: @escaping @Sendable (Int) -> TaskWork) async throws -> [any Sendable] {
        try await withCheckedThrowingContinuation { continuation in
            jobs[jobId] = Job(continuation: continuation, results: Array(repeating: nil, count: partitions.count),
                              work: work, cancellation: CancellationFlag(), remote: remote)
            let directives = state.submitJob(jobId, rdd: rdd, partitions: partitions)
            Task { await self.perform(directives) }
        }
    }

    /// A new job id.
    func newJobId() -> Int {
        defer { nextJobId += 1 }
        return nextJobId
    }

    /// A task ended with `outcome`.
    func taskEnded(_ spec: TaskSpec, _ outcome: SchedulerState.TaskOutcome, accumulators: [any AccumulatorUpdate]) async {
        await perform(state.taskEnded(spec, outcome, accumulators: accumulators))
    }

    /// Cancels a job: its caller gets `CancellationError`, its tasks stop.
    func cancel(jobId: Int) async {
        await perform(state.cancelJob(jobId))
    }

    /// Map outputs held by a lost worker: their stages rerun those tasks when next needed.
    func outputsLost(shuffleId: Int, mapIndices: [Int]) { state.outputsLost(shuffleId: shuffleId, mapIndices: mapIndices) }

    /// Forgets a shuffle whose outputs were deleted.
    func forgetShuffle(_ shuffleId: Int) { state.forgetShuffle(shuffleId) }

    /// True when no job, stage or task is in flight.
    var isIdle: Bool { state.isIdle && jobs.isEmpty }

    /// What is in flight, for diagnostics.
    var inFlight: String { state.inFlight + ", jobs awaiting \(jobs.keys.sorted())" }

    /// The first job still waiting for a stage that jobs share: its plan (on a
    /// cluster) covers the stage.
    private func firstWaitingJob(ofStage stageId: Int) -> Job? {
        state.jobs(ofStage: stageId).sorted().lazy.compactMap { self.jobs[$0] }.first ?? jobs.values.first
    }

    private func perform(_ directives: [SchedulerState.Directive]) async {
        for directive in directives {
            switch directive {
            case .launch(let specs):
                let launches = specs.compactMap { spec -> TaskLaunch? in
                    guard let job = jobs[spec.jobId] ?? firstWaitingJob(ofStage: spec.stageId) else { return nil }
                    var launch = TaskLaunch(spec: spec, work: work(for: spec, job: job), cancellation: job.cancellation,
                                            remote: job.remote)
                    if backend.placesByCachedInput, let rdd = state.rdd(ofStage: spec.stageId) {
                        launch.cacheKeys = Self.persistedPartitions(of: rdd, partition: spec.partition)
                    }
                    return launch
                }
                await backend.submit(launches)
            case .deliver(let jobId, let index, let value):
                jobs[jobId]?.results[index] = value
            case .applyAccumulators(let updates):
                for update in updates { update.apply() }
            case .jobSucceeded(let jobId):
                guard let job = jobs.removeValue(forKey: jobId) else { continue }
                job.continuation.resume(returning: job.results.map { $0! })
            case .jobFailed(let jobId, let error):
                guard let job = jobs.removeValue(forKey: jobId) else { continue }
                job.cancellation.set()
                await backend.cancelJob(jobId)
                job.continuation.resume(throwing: error)
            }
        }
    }

    /// The persisted partitions a task of `rdd`'s `partition` reads, through
    /// narrow dependencies (the nearest first).
    static func persistedPartitions(of rdd: AnyRDD, partition: Int) -> [BlockId] {
        var found: [BlockId] = []
        var pending = [(rdd, partition)]
        var visited = 0
        while let (next, split) = pending.popLast(), visited < 64 {
            visited += 1
            if next.storageLevel != .none { found.append(BlockId(rddId: next.id, partition: split)) }
            for case let narrow as NarrowDependency in next.dependencies {
                for parentSplit in narrow.parentPartitions(split) { pending.insert((narrow.parent, parentSplit), at: 0) }
            }
        }
        return found
    }

    private func work(for spec: TaskSpec, job: Job) -> TaskWork {
        if spec.outputIndex != nil { return job.work(spec.partition) }
        guard let dependency = state.shuffleDependency(ofStage: spec.stageId) else {
            preconditionFailure("Internal inconsistency: map task \(spec) of a stage without a shuffle")
        }
        return .shuffleMap(dependency)
    }
}
