import AtomicActors

/// The cluster backend's bookkeeping of task runs, with no I/O: which runs are
/// in flight where, how long finished tasks took, and what follows from it.
///
/// - Speculation: once `quantile` of a stage's tasks have finished, a task
///   running longer than `multiplier` × their median (and at least
///   `minimumRuntime`) gets a copy on another worker; the first run of a task to
///   finish is the one reported, later ones are dropped.
/// - Exclusion: a worker on which `maxFailuresPerWorker` tasks of a job failed
///   gets no more tasks of that job.
struct TaskSetTracker {
    /// When to speculate and when to exclude.
    struct Settings: Sendable {
        var speculation = false
        var quantile = 0.75
        var multiplier = 1.5
        var minimumRuntime: Duration = .milliseconds(100)
        var maxFailuresPerWorker = 2
    }

    /// One run of a task on a worker.
    struct Run {
        let launch: TaskLaunch
        let node: NodeIdentity
        let started: ContinuousClock.Instant
        let isCopy: Bool
    }

    private struct StageKey: Hashable {
        let stageId: Int
        let attempt: Int
        init(_ spec: TaskSpec) {
            stageId = spec.stageId
            attempt = spec.stageAttempt
        }
    }

    let settings: Settings
    private(set) var runs: [Int: Run] = [:]
    private var nextRun = 0
    private var stagePartitions: [StageKey: Set<Int>] = [:]
    private var stageDurations: [StageKey: [Duration]] = [:]
    /// Tasks (by task id) whose outcome was reported.
    private var reported: Set<Int> = []
    /// Tasks (by task id) that have a copy.
    private var copied: Set<Int> = []
    private var failures: [Int: [NodeIdentity: Int]] = [:]
    /// Workers excluded from each job.
    private(set) var excluded: [Int: Set<NodeIdentity>] = [:]
    /// Copies launched, and copies whose outcome was the one reported.
    private(set) var copiesLaunched = 0, copiesWon = 0

    init(settings: Settings) { self.settings = settings }

    /// The DAG scheduler submitted these tasks.
    mutating func submitted(_ launches: [TaskLaunch]) {
        for launch in launches { stagePartitions[StageKey(launch.spec), default: []].insert(launch.spec.partition) }
    }

    /// A run started; returns its id.
    mutating func started(_ launch: TaskLaunch, on node: NodeIdentity, at now: ContinuousClock.Instant, isCopy: Bool = false) -> Int {
        nextRun += 1
        runs[nextRun] = Run(launch: launch, node: node, started: now, isCopy: isCopy)
        return nextRun
    }

    /// A run ended. Returns the run, and whether its outcome is the one to
    /// report (false for a copy that lost, or for a failure while another run
    /// of the task may still succeed).
    mutating func ended(_ id: Int, succeeded: Bool, taskFailed: Bool, at now: ContinuousClock.Instant) -> (run: Run, report: Bool)? {
        guard let run = runs.removeValue(forKey: id) else { return nil }
        let spec = run.launch.spec
        if taskFailed {
            let count = failures[spec.jobId, default: [:]][run.node, default: 0] + 1
            failures[spec.jobId, default: [:]][run.node] = count
            if count >= settings.maxFailuresPerWorker { excluded[spec.jobId, default: []].insert(run.node) }
        }
        guard !reported.contains(spec.taskId) else { return (run, false) }
        if !succeeded, runs.values.contains(where: { $0.launch.spec.taskId == spec.taskId }) { return (run, false) }
        reported.insert(spec.taskId)
        if succeeded {
            stageDurations[StageKey(spec), default: []].append(now - run.started)
            if run.isCopy { copiesWon += 1 }
        }
        return (run, true)
    }

    /// True when `node` may not run tasks of `jobId`.
    func isExcluded(_ node: NodeIdentity, from jobId: Int) -> Bool { excluded[jobId]?.contains(node) ?? false }

    /// The copies to launch now, each on one of `freeSlots` (a node once per free core).
    mutating func copiesToLaunch(at now: ContinuousClock.Instant, freeSlots: [NodeIdentity]) -> [(TaskLaunch, NodeIdentity)] {
        guard settings.speculation, !freeSlots.isEmpty else { return [] }
        var slots = freeSlots
        var copies: [(TaskLaunch, NodeIdentity)] = []
        for run in runs.values.sorted(by: { $0.started < $1.started }) where !run.isCopy {
            let spec = run.launch.spec
            guard !copied.contains(spec.taskId), !reported.contains(spec.taskId) else { continue }
            let key = StageKey(spec)
            let total = stagePartitions[key]?.count ?? 0
            let durations = stageDurations[key] ?? []
            guard total > 0, !durations.isEmpty, Double(durations.count) >= settings.quantile * Double(total) else { continue }
            let median = durations.sorted()[durations.count / 2]
            guard now - run.started > max(settings.minimumRuntime, median * settings.multiplier) else { continue }
            guard let slot = slots.firstIndex(where: { $0 != run.node && !isExcluded($0, from: spec.jobId) }) else { continue }
            copies.append((run.launch, slots.remove(at: slot)))
            copied.insert(spec.taskId)
            copiesLaunched += 1
        }
        return copies
    }
}
