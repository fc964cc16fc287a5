/// The DAG scheduler's bookkeeping, as a pure state machine: events go in
/// (a job submitted, a task finished or failed, a job cancelled) and
/// directives come out (launch these tasks, this job succeeded or failed,
/// apply these accumulator updates). No I/O and no clocks, so it is tested by
/// completing tasks by hand (``DAGScheduler`` performs the directives).
///
/// Only one owner touches it at a time (the ``DAGScheduler`` actor).
struct SchedulerState {
    /// What the owner must do after an event.
    enum Directive {
        /// Launch these tasks (of one stage attempt).
        case launch([TaskSpec])
        /// Store this result task's value as output `index` of the job.
        case deliver(jobId: Int, index: Int, value: any Sendable)
        /// Apply accumulator updates of a task whose partition counted for the first time.
        case applyAccumulators([any AccumulatorUpdate])
        /// The job finished with every output delivered.
        case jobSucceeded(jobId: Int)
        /// The job failed; its running tasks should be cancelled.
        case jobFailed(jobId: Int, error: any Error)
    }

    /// What a finished task reports.
    enum TaskOutcome {
        /// A result task's value.
        case result(any Sendable)
        /// A map task's output is registered.
        case mapOutput(MapStatus)
        /// The task threw.
        case failed(any Error)
        /// A map output it needed was missing.
        case fetchFailed(shuffleId: Int, mapIndex: Int)
    }

    private struct Job {
        let finalStage: Int
        let partitions: [Int]
        var done: [Bool]
        var remaining: Int
    }

    let maxTaskFailures: Int
    let maxStageAttempts: Int
    private var stages: [Int: Stage] = [:]
    private var shuffleStage: [Int: Int] = [:]
    /// Map outputs registered, per shuffle.
    private(set) var availableOutputs: [Int: Set<Int>] = [:]
    private var jobs: [Int: Job] = [:]
    private var waiting: Set<Int> = []
    private var running: Set<Int> = []
    /// Partitions of running stages not yet finished.
    private var pending: [Int: Set<Int>] = [:]
    private var failures: [PartitionKey: Int] = [:]
    private var counted: Set<PartitionKey> = []
    private var nextStageId = 0
    private var nextTaskId = 0

    private struct PartitionKey: Hashable { var stageId: Int; var partition: Int }

    init(maxTaskFailures: Int, maxStageAttempts: Int = 4) {
        self.maxTaskFailures = maxTaskFailures
        self.maxStageAttempts = maxStageAttempts
    }

    // MARK: - Events

    /// A job computing `partitions` of `rdd`.
    mutating func submitJob(_ jobId: Int, rdd: AnyRDD, partitions: [Int]) -> [Directive] {
        if partitions.isEmpty { return [.jobSucceeded(jobId: jobId)] }
        let parents = parentStages(of: rdd, jobId: jobId)
        let stageId = newStageId()
        stages[stageId] = Stage(id: stageId, kind: .result(jobId: jobId), rdd: rdd, parents: parents, jobs: [jobId])
        jobs[jobId] = Job(finalStage: stageId, partitions: partitions,
                          done: Array(repeating: false, count: partitions.count), remaining: partitions.count)
        return submit(stageId)
    }

    /// A task ended.
    mutating func taskEnded(_ task: TaskSpec, _ outcome: TaskOutcome, accumulators: [any AccumulatorUpdate] = []) -> [Directive] {
        guard let stage = stages[task.stageId], stage.attempt == task.stageAttempt || isMapOutput(outcome),
              running.contains(task.stageId) || isMapOutput(outcome) else { return [] }
        let key = PartitionKey(stageId: task.stageId, partition: task.partition)
        switch outcome {
        case .failed(let error):
            guard pending[task.stageId]?.contains(task.partition) == true else { return [] }
            let count = failures[key, default: 0] + 1
            failures[key] = count
            if count < maxTaskFailures {
                return [.launch([newTask(stage, partition: task.partition, attempt: count, outputIndex: task.outputIndex, jobId: task.jobId)])]
            }
            let failure = JobFailedError(jobId: task.jobId, stageId: task.stageId, partition: task.partition,
                                         attempts: count, underlying: error)
            return failJobs(of: task.stageId, error: failure)

        case .fetchFailed(let shuffleId, let mapIndex):
            availableOutputs[shuffleId]?.remove(mapIndex)
            guard let parentId = shuffleStage[shuffleId], stages[parentId] != nil else { return [] }
            guard running.contains(task.stageId) else { return [] }
            running.remove(task.stageId)
            pending[task.stageId] = nil
            if stages[parentId]!.attempt + 1 >= maxStageAttempts {
                return failJobs(of: task.stageId, error: JobFailedError(
                    jobId: task.jobId, stageId: parentId, partition: mapIndex, attempts: maxStageAttempts,
                    underlying: EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: task.partition)))
            }
            stages[parentId]!.attempt += 1
            stages[task.stageId]!.attempt += 1
            for job in stages[task.stageId]!.jobs { stages[parentId]!.jobs.insert(job) }
            return submit(task.stageId)

        case .mapOutput:
            guard let shuffleId = stage.shuffleId else { return [] }
            var directives: [Directive] = []
            if !counted.contains(key) {
                counted.insert(key)
                if !accumulators.isEmpty { directives.append(.applyAccumulators(accumulators)) }
            }
            availableOutputs[shuffleId, default: []].insert(task.partition)
            pending[task.stageId]?.remove(task.partition)
            if running.contains(task.stageId), pending[task.stageId]?.isEmpty ?? true {
                directives += stageFinished(task.stageId)
            }
            return directives

        case .result(let value):
            guard case .result(let jobId) = stage.kind, var job = jobs[jobId],
                  let index = task.outputIndex, !job.done[index] else { return [] }
            var directives: [Directive] = []
            if !counted.contains(key) {
                counted.insert(key)
                if !accumulators.isEmpty { directives.append(.applyAccumulators(accumulators)) }
            }
            job.done[index] = true
            job.remaining -= 1
            jobs[jobId] = job
            pending[task.stageId]?.remove(task.partition)
            directives.append(.deliver(jobId: jobId, index: index, value: value))
            if job.remaining == 0 {
                endJob(jobId)
                directives.append(.jobSucceeded(jobId: jobId))
            }
            return directives
        }
    }

    /// The job was cancelled by its caller.
    mutating func cancelJob(_ jobId: Int) -> [Directive] {
        guard jobs[jobId] != nil else { return [] }
        endJob(jobId)
        return [.jobFailed(jobId: jobId, error: CancellationError())]
    }

    // MARK: - Inspection

    /// True when no job, stage attempt or task is in flight: what every test asserts at its end.
    var isIdle: Bool { jobs.isEmpty && waiting.isEmpty && running.isEmpty && pending.isEmpty }

    /// A description of what is in flight, for failed idle checks.
    var inFlight: String { "jobs \(jobs.keys.sorted()), waiting \(waiting.sorted()), running \(running.sorted()), pending \(pending)" }

    /// The shuffle-map stages known (kept so later jobs reuse their outputs).
    var shuffleStageCount: Int { shuffleStage.count }

    /// The shuffle that stage `stageId` writes, if it is a shuffle-map stage.
    func shuffleDependency(ofStage stageId: Int) -> ShuffleDependencyBase? { stages[stageId]?.shuffle }

    /// The RDD whose partitions a stage's tasks compute.
    func rdd(ofStage stageId: Int) -> AnyRDD? { stages[stageId]?.rdd }

    /// The ids of the jobs that need a stage.
    func jobs(ofStage stageId: Int) -> Set<Int> { stages[stageId]?.jobs ?? [] }

    /// Forgets a shuffle whose outputs were deleted.
    mutating func forgetShuffle(_ shuffleId: Int) {
        availableOutputs[shuffleId] = nil
        if let stageId = shuffleStage.removeValue(forKey: shuffleId), !running.contains(stageId), !waiting.contains(stageId) {
            stages[stageId] = nil
        }
    }

    /// Marks every map output of `shuffleIds` as lost (an executor went away).
    mutating func outputsLost(shuffleId: Int, mapIndices: [Int]) {
        for index in mapIndices { availableOutputs[shuffleId]?.remove(index) }
    }

    // MARK: - Stages

    private func isMapOutput(_ outcome: TaskOutcome) -> Bool {
        if case .mapOutput = outcome { return true }
        return false
    }

    private mutating func newStageId() -> Int {
        defer { nextStageId += 1 }
        return nextStageId
    }

    /// The shuffle-map stages that `rdd`'s stage reads, created on first use.
    private mutating func parentStages(of rdd: AnyRDD, jobId: Int) -> [Int] {
        var result: [Int] = []
        var visited: Set<Int> = []
        var stack = [rdd]
        while let node = stack.popLast() {
            guard visited.insert(node.id).inserted else { continue }
            for dependency in node.dependencies {
                if let shuffle = dependency as? ShuffleDependencyBase {
                    let stageId = shuffleMapStage(shuffle, jobId: jobId)
                    if !result.contains(stageId) { result.append(stageId) }
                } else {
                    stack.append(dependency.parent)
                }
            }
        }
        return result
    }

    private mutating func shuffleMapStage(_ shuffle: ShuffleDependencyBase, jobId: Int) -> Int {
        if let existing = shuffleStage[shuffle.shuffleId] {
            stages[existing]!.jobs.insert(jobId)
            return existing
        }
        let parents = parentStages(of: shuffle.parent, jobId: jobId)
        let stageId = newStageId()
        stages[stageId] = Stage(id: stageId, kind: .shuffleMap(shuffleId: shuffle.shuffleId), rdd: shuffle.parent,
                                parents: parents, shuffle: shuffle, jobs: [jobId])
        shuffleStage[shuffle.shuffleId] = stageId
        return stageId
    }

    private func isAvailable(_ stageId: Int) -> Bool {
        guard let stage = stages[stageId], let shuffleId = stage.shuffleId else { return false }
        return (availableOutputs[shuffleId]?.count ?? 0) == stage.rdd.partitionCount
    }

    /// Submits a stage: its missing parents first, else its missing tasks.
    private mutating func submit(_ stageId: Int) -> [Directive] {
        guard !running.contains(stageId), !waiting.contains(stageId), let stage = stages[stageId] else { return [] }
        let missing = stage.parents.filter { !isAvailable($0) }
        if !missing.isEmpty {
            waiting.insert(stageId)
            var directives: [Directive] = []
            for parent in missing {
                for job in stage.jobs { stages[parent]?.jobs.insert(job) }
                directives += submit(parent)
            }
            return directives
        }
        var tasks: [TaskSpec] = []
        switch stage.kind {
        case .shuffleMap(let shuffleId):
            let have = availableOutputs[shuffleId] ?? []
            let jobId = stage.jobs.min() ?? -1
            for p in 0..<stage.rdd.partitionCount where !have.contains(p) {
                tasks.append(newTask(stage, partition: p, attempt: 0, outputIndex: nil, jobId: jobId))
            }
        case .result(let jobId):
            guard let job = jobs[jobId] else { return [] }
            for (index, p) in job.partitions.enumerated() where !job.done[index] {
                tasks.append(newTask(stage, partition: p, attempt: 0, outputIndex: index, jobId: jobId))
            }
        }
        if tasks.isEmpty { return stageFinished(stageId) }
        running.insert(stageId)
        pending[stageId] = Set(tasks.map(\.partition))
        return [.launch(tasks)]
    }

    private mutating func newTask(_ stage: Stage, partition: Int, attempt: Int, outputIndex: Int?, jobId: Int) -> TaskSpec {
        defer { nextTaskId += 1 }
        return TaskSpec(taskId: nextTaskId, jobId: jobId, stageId: stage.id, stageAttempt: stage.attempt,
                        partition: partition, attempt: attempt, outputIndex: outputIndex)
    }

    /// A stage's tasks all finished: submit the waiting stages it unblocks, or
    /// resubmit it if some of its outputs were lost meanwhile.
    private mutating func stageFinished(_ stageId: Int) -> [Directive] {
        running.remove(stageId)
        pending[stageId] = nil
        clearFailures(stageId)
        if stages[stageId]?.shuffleId != nil, !isAvailable(stageId) { return submit(stageId) }
        var directives: [Directive] = []
        for candidate in waiting.sorted() {
            guard let stage = stages[candidate], stage.parents.allSatisfy(isAvailable) else { continue }
            waiting.remove(candidate)
            directives += submit(candidate)
        }
        return directives
    }

    private mutating func clearFailures(_ stageId: Int) {
        failures = failures.filter { $0.key.stageId != stageId }
        counted = counted.filter { $0.stageId != stageId || stages[stageId]?.shuffleId != nil }
    }

    /// Fails every job that needs `stageId`.
    private mutating func failJobs(of stageId: Int, error: JobFailedError) -> [Directive] {
        let affected = stages[stageId]?.jobs.sorted() ?? []
        var directives: [Directive] = []
        for jobId in affected where jobs[jobId] != nil {
            endJob(jobId)
            let failure = JobFailedError(jobId: jobId, stageId: error.stageId, partition: error.partition,
                                         attempts: error.attempts, underlying: error.underlying)
            directives.append(.jobFailed(jobId: jobId, error: failure))
        }
        return directives
    }

    /// Removes a finished job and every stage attempt only it needed.
    private mutating func endJob(_ jobId: Int) {
        guard let job = jobs.removeValue(forKey: jobId) else { return }
        for (id, var stage) in stages where stage.jobs.contains(jobId) {
            stage.jobs.remove(jobId)
            stages[id] = stage
            guard stage.jobs.isEmpty else { continue }
            running.remove(id)
            waiting.remove(id)
            pending[id] = nil
            failures = failures.filter { $0.key.stageId != id }
            if stage.shuffleId == nil { stages[id] = nil }
        }
        counted = counted.filter { $0.stageId != job.finalStage }
    }
}
