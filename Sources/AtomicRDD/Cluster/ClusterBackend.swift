import AtomicActors

/// Places tasks on the workers of a multi-process cluster, within each worker's
/// cores, and lives on the driver. It ships each task's descriptor, turns the
/// worker's report into the task's outcome, remembers which worker holds each
/// map output, and when a worker is lost tells the ``DAGScheduler`` which
/// outputs went with it (their stages rerun the missing tasks).
actor ClusterBackend: TaskBackend {
    private struct Worker {
        let node: NodeIdentity
        let cores: Int
        let service: WorkerService
        let processId: Int32
        /// The order of registration, which breaks ties when placing tasks.
        let rank: Int
        var running = 0
    }

    private let system: ClusterSystem
    private weak var dag: DAGScheduler?
    private var workers: [NodeIdentity: Worker] = [:]
    private var queue: [TaskLaunch] = []
    /// When each queued task (by task id) was queued: a task waits up to
    /// ``localityWait`` for the worker that caches its input.
    private var queuedAt: [Int: ContinuousClock.Instant] = [:]
    /// Which worker cached each partition, as far as the driver knows.
    private var cachedAt: [BlockId: NodeIdentity] = [:]
    private var localityWake: Task<Void, Never>?
    /// How long a task waits for the worker that caches its input.
    static let localityWait: Duration = .milliseconds(300)
    /// Tasks started on the worker caching their input.
    private(set) var localLaunches = 0
    private var tracker: TaskSetTracker
    private var speculationLoop: Task<Void, Never>?
    /// For each shuffle: the worker holding each map output.
    private var locations: [Int: [Int: NodeIdentity]] = [:]
    /// For each shuffle: the estimated size of each map output's largest bucket.
    private var largestBuckets: [Int: [Int: Int]] = [:]
    /// The most estimated bytes of remote buckets a reducer requests at once.
    private let maxBytesInFlight: Int
    private var registrationWaiters: [Int: (count: Int, continuation: CheckedContinuation<Void, any Error>)] = [:]
    private var nextWaiter = 0
    private var lostWorkers: [String] = []
    private var observers: [AsyncStream<TaskEnd>.Continuation] = []

    /// A task that ended on a worker, as ``taskEnds()`` reports it.
    struct TaskEnd: Sendable {
        let stageId: Int
        let partition: Int
        let worker: NodeIdentity
        let succeeded: Bool
    }

    /// Every task end from now on (for diagnostics and tests that act mid-stage).
    func taskEnds() -> AsyncStream<TaskEnd> {
        let (stream, continuation) = AsyncStream.makeStream(of: TaskEnd.self)
        observers.append(continuation)
        return stream
    }

    /// The timeout of a task's remote call: in effect none.
    static let taskCallTimeout: Duration = .seconds(30 * 24 * 3600)

    private let accumulators: AccumulatorRegistry
    /// Result bytes above this size travel as blocks.
    private let resultInlineLimit: Int
    /// On an in-process cluster: where tasks are left for the workers by reference.
    private let handoff: InProcessHandoff?
    /// True on an in-process cluster (tasks travel by reference).
    nonisolated var handsOffTasks: Bool { handoff != nil }
    /// Tasks go to the worker caching their input when it is free soon.
    nonisolated var placesByCachedInput: Bool { true }
    /// Tasks handed to in-process workers and not taken back yet.
    nonisolated var pendingHandoffs: Int { handoff?.pending ?? 0 }
    private var registrations = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    init(system: ClusterSystem, settings: TaskSetTracker.Settings = .init(), accumulators: AccumulatorRegistry = AccumulatorRegistry(),
         resultInlineLimit: Int = 1 << 20, maxBytesInFlight: Int = ShuffleSource.defaultMaxBytesInFlight,
         handoff: InProcessHandoff? = nil) {
        self.system = system
        self.maxBytesInFlight = maxBytesInFlight
        self.handoff = handoff
        self.resultInlineLimit = resultInlineLimit
        self.accumulators = accumulators
        self.tracker = TaskSetTracker(settings: settings)
    }

    func attach(_ dag: DAGScheduler) {
        self.dag = dag
        guard tracker.settings.speculation, speculationLoop == nil else { return }
        speculationLoop = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                await self?.speculate()
            }
        }
    }

    /// Ends the speculation loop.
    func stop() {
        speculationLoop?.cancel()
        speculationLoop = nil
        localityWake?.cancel()
        localityWake = nil
    }

    /// Speculative copies launched and copies that finished first; workers excluded from jobs.
    var speculationAndExclusion: (launched: Int, won: Int, excluded: [Int: Set<NodeIdentity>]) {
        (tracker.copiesLaunched, tracker.copiesWon, tracker.excluded)
    }

    private func speculate() {
        var slots: [NodeIdentity] = []
        for worker in workers.values where worker.running < worker.cores {
            slots += Array(repeating: worker.node, count: worker.cores - worker.running)
        }
        for (launch, node) in tracker.copiesToLaunch(at: .now, freeSlots: slots) {
            system.settings.logger?("[\(system.identity)] speculative copy of \(launch.spec) on \(node)")
            start(launch, on: node, isCopy: true)
        }
    }

    // MARK: Workers

    /// Adds a registered worker and starts tasks on it.
    func addWorker(_ registration: WorkerRegistration) throws {
        let service = try WorkerService.resolve(id: ActorAddress(node: registration.node, path: WellKnownPath.atomicWorker),
                                                using: system)
        registrations += 1
        workers[registration.node] = Worker(node: registration.node, cores: max(1, registration.cores), service: service,
                                            processId: registration.processId, rank: registrations)
        system.settings.logger?("[\(system.identity)] worker \(registration.node) registered: \(registration.cores) cores")
        for (id, waiter) in registrationWaiters where workers.count >= waiter.count {
            registrationWaiters[id] = nil
            waiter.continuation.resume()
        }
        dispatch()
    }

    /// Returns once `count` workers have registered.
    ///
    /// - Throws: ``EngineError/noWorkers(reason:)`` after `timeout`, or
    ///   ``EngineError/workerFailed(worker:reason:)`` when a worker process exits first.
    func waitForWorkers(_ count: Int, timeout: Duration) async throws {
        guard workers.count < count else { return }
        let id = nextWaiter
        nextWaiter += 1
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.failWaiter(id, EngineError.noWorkers(reason: "only \(await self?.workers.count ?? 0) of \(count) workers registered within \(timeout)"))
        }
        defer { timer.cancel() }
        try await withCheckedThrowingContinuation { registrationWaiters[id] = (count, $0) }
    }

    private func failWaiter(_ id: Int, _ error: any Error) {
        registrationWaiters.removeValue(forKey: id)?.continuation.resume(throwing: error)
    }

    /// A worker process this driver started has exited: while the Context is
    /// still waiting for its workers, that is a failed start.
    func workerProcessExited(status: Int32, stderr: String) {
        let error = EngineError.workerFailed(worker: "process", reason: "exited with status \(status) before registering: \(stderr)")
        for id in Array(registrationWaiters.keys) { failWaiter(id, error) }
        if !stderr.isEmpty { exitedWorkerOutput.append("status \(status): \(stderr.prefix(1024))") }
    }

    /// What worker processes that exited wrote last on standard error.
    private var exitedWorkerOutput: [String] = []

    /// The registered workers.
    var workerNodes: [NodeIdentity] { Array(workers.keys) }

    /// The process id a registered worker reported.
    func processId(of node: NodeIdentity) -> Int32? { workers[node]?.processId }

    /// A worker died or left: its map outputs are gone, and with no worker left
    /// the queued tasks fail at once.
    func workerLost(_ node: NodeIdentity, reason: String) async {
        guard workers.removeValue(forKey: node) != nil else { return }
        cachedAt = cachedAt.filter { $0.value != node }
        system.settings.logger?("[\(system.identity)] worker \(node) lost: \(reason)")
        lostWorkers.append("\(node.endpoint) (\(reason))")
        for (shuffleId, maps) in locations {
            let lost = maps.filter { $0.value == node }.map(\.key)
            guard !lost.isEmpty else { continue }
            for mapIndex in lost { locations[shuffleId]?[mapIndex] = nil }
            await dag?.outputsLost(shuffleId: shuffleId, mapIndices: lost)
        }
        if workers.isEmpty { await failQueued() }
    }

    /// Shuffle bytes the workers fetched from each other, the seconds those
    /// fetches took to the buckets decoded and to their bytes received (each
    /// summed over reducers), and their number.
    func fetchStatistics() async -> FetchFigures {
        var totals = FetchFigures()
        for worker in workers.values {
            guard let bytes = try? await worker.service.fetchStatistics(),
                  let figures = try? FetchFigures(wireBytes: bytes) else { continue }
            totals.add(figures)
        }
        return totals
    }

    /// The workers' executor figures, added up (a worker that does not answer counts nothing).
    func executorFigures() async -> ExecutorFigures {
        var totals = ExecutorFigures()
        for worker in workers.values {
            guard let bytes = try? await worker.service.executorFigures(),
                  let figures = try? ExecutorFigures(wireBytes: bytes) else { continue }
            totals.add(figures)
        }
        return totals
    }

    /// Drops an RDD's cached partitions on every worker, and forgets where they were.
    func removeBlocks(rddId: Int) async {
        cachedAt = cachedAt.filter { $0.key.rddId != rddId }
        for worker in workers.values { try? await worker.service.removeBlocks(rddId: rddId) }
    }

    /// Drops a broadcast value on every worker.
    func removeBroadcast(_ id: Int) async {
        for worker in workers.values { try? await worker.service.removeBroadcast(id) }
    }

    /// Deletes a shuffle's outputs on every worker.
    func removeShuffle(_ shuffleId: Int) async {
        locations[shuffleId] = nil
        largestBuckets[shuffleId] = nil
        for worker in workers.values { try? await worker.service.removeShuffle(shuffleId) }
    }

    // MARK: TaskBackend

    func submit(_ launches: [TaskLaunch]) async {
        tracker.submitted(launches)
        let now = ContinuousClock.now
        for launch in launches { queuedAt[launch.spec.taskId] = now }
        queue += launches
        if workers.isEmpty { await failQueued() } else { dispatch() }
    }

    func cancelJob(_ jobId: Int) async {
        for launch in queue where launch.spec.jobId == jobId { queuedAt[launch.spec.taskId] = nil }
        queue.removeAll { $0.spec.jobId == jobId }
        resumeIdleWaiters()
        // Tasks handed off by reference see the job's flag; worker processes are told.
        guard handoff == nil else { return }
        for worker in workers.values {
            let service = worker.service
            Task { try? await service.cancelJob(jobId) }
        }
    }

    /// Tasks queued or running.
    var isIdle: Bool { queue.isEmpty && tracker.runs.isEmpty }

    /// Returns once no task is queued or running (tasks of a failed or
    /// cancelled job finish on their workers after the job has ended).
    func whenIdle() async {
        guard !isIdle else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func resumeIdleWaiters() {
        guard isIdle, !idleWaiters.isEmpty else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Starts queued tasks on free cores. A worker takes the first task whose
    /// input it caches; otherwise the first task that prefers no live worker or
    /// has waited ``localityWait`` for its own; workers excluded from a task's job
    /// are skipped, and a task every worker is excluded from fails.
    private func dispatch() {
        failTasksEveryWorkerRefuses()
        let now = ContinuousClock.now
        var delayed = false
        var progress = true
        while progress, !queue.isEmpty {
            progress = false
            let free = workers.values.filter { $0.running < $0.cores }
                .sorted { ($0.running * 1000 / $0.cores, $0.rank) < ($1.running * 1000 / $1.cores, $1.rank) }
            for worker in free {
                let node = worker.node
                let allowed = queue.indices.lazy.filter { !self.tracker.isExcluded(node, from: self.queue[$0].spec.jobId) }
                let preferring = allowed.first { preferredNode(of: queue[$0]) == node }
                let other = allowed.first { index in
                    guard let preferred = preferredNode(of: queue[index]), preferred != node else { return true }
                    let waited = now - (queuedAt[queue[index].spec.taskId] ?? now)
                    if waited >= Self.localityWait { return true }
                    delayed = true
                    return false
                }
                guard let index = preferring ?? other else { continue }
                let launch = queue.remove(at: index)
                queuedAt[launch.spec.taskId] = nil
                if preferring != nil { localLaunches += 1 }
                start(launch, on: node, isCopy: false)
                progress = true
                break
            }
        }
        // Refused tasks may have emptied the queue.
        resumeIdleWaiters()
        if delayed, localityWake == nil {
            localityWake = Task { [weak self] in
                try? await Task.sleep(for: Self.localityWait)
                await self?.wakeForLocality()
            }
        }
    }

    private func wakeForLocality() {
        localityWake = nil
        dispatch()
    }

    /// The live worker caching the first of a task's cached inputs.
    private func preferredNode(of launch: TaskLaunch) -> NodeIdentity? {
        for key in launch.cacheKeys {
            if let node = cachedAt[key], workers[node] != nil { return node }
        }
        return nil
    }

    private func failTasksEveryWorkerRefuses() {
        guard !workers.isEmpty else { return }
        queue.removeAll { launch in
            let jobId = launch.spec.jobId
            guard workers.keys.allSatisfy({ tracker.isExcluded($0, from: jobId) }) else { return false }
            let error = EngineError.noWorkers(reason: "every worker is excluded from job \(jobId) after repeated task failures")
            let dag = dag
            Task { await dag?.taskEnded(launch.spec, .failed(error), accumulators: []) }
            return true
        }
    }

    private func start(_ launch: TaskLaunch, on node: NodeIdentity, isCopy: Bool) {
        guard let worker = workers[node] else { return }
        workers[node]!.running += 1
        let run = tracker.started(launch, on: node, at: .now, isCopy: isCopy)
        dag?.events.post(.started(TaskInfo(launch.spec, executorId: "\(node.endpoint)")))
        let token = handoff?.put(launch)
        let descriptor = describe(launch, handoffToken: token)
        let service = worker.service
        Task {
            var outcome: SchedulerState.TaskOutcome
            var updates: [Int: [UInt8]] = [:]
            var handedOffUpdates: [any AccumulatorUpdate] = []
            do {
                guard let descriptor = try descriptor.get() else { throw EngineError.noWorkers(reason: "internal: no plan") }
                // A task may run for hours: a lost worker is noticed by its
                // connection and heartbeats, not by a call timeout.
                let reply = try TaskReply(wireBytes: try await ClusterSystem.$callTimeout.withValue(Self.taskCallTimeout) {
                    try await service.runTask(descriptor)
                })
                updates = reply.accumulators
                var report = reply.report
                if case let .resultBlock(token, size) = report {
                    let piece = min(4 << 20, max(1024, self.resultInlineLimit))
                    report = .result(try await Self.fetchResult(token: token, size: size, piece: piece, from: service))
                    self.countResultBlock()
                }
                if case .handedOff(let token) = report, let ended = self.handoff?.takeEnded(token) {
                    outcome = ended.outcome
                    handedOffUpdates = ended.accumulatorUpdates
                } else {
                    outcome = try Self.outcome(report, launch: launch, node: node)
                }
            } catch let error as RemoteCallError {
                outcome = .failed(EngineError.workerFailed(worker: "\(node.endpoint)", reason: "\(error)"))
                await self.workerLost(node, reason: "\(error)")
            } catch {
                outcome = .failed(error)
            }
            if let token { self.handoff?.discard(token) }
            await self.finished(run, on: node, outcome, accumulatorUpdates: updates, handedOff: handedOffUpdates)
        }
    }

    /// Results fetched as blocks so far.
    private(set) var resultBlocksFetched = 0
    private func countResultBlock() { resultBlocksFetched += 1 }

    /// A large result, fetched in pieces (at most 4 MiB) so no single message is huge.
    private static func fetchResult(token: Int, size: Int, piece: Int, from service: WorkerService) async throws -> [UInt8] {
        // `size` is the worker's word: reserved only up to what a piece holds
        // times a few, and a worker that sends nothing more ends the fetch.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(0, size), piece * 16))
        while bytes.count < size {
            let chunk = try await service.fetchResult(token: token, offset: bytes.count, length: min(piece, size - bytes.count))
            guard !chunk.isEmpty, chunk.count <= size - bytes.count else {
                throw EngineError.workerFailed(worker: "\(service.id.node.endpoint)",
                                               reason: "result \(token) sent \(chunk.count) bytes at \(bytes.count) of \(size)")
            }
            bytes += chunk
        }
        return bytes
    }

    private func describe(_ launch: TaskLaunch, handoffToken: Int?) -> Result<TaskDescriptor?, any Error> {
        var descriptor = TaskDescriptor()
        if let handoffToken {
            descriptor.handoffToken = handoffToken
        } else if let remote = launch.remote {
            descriptor.result = remote.result
            descriptor.resultFunction = remote.resultFunction
            descriptor.resultArguments = remote.resultArguments
            descriptor.plan = remote.plan
            descriptor.rootId = remote.rootId
            var stageRoot = remote.root
            if case .shuffleMap(let dependency) = launch.work { stageRoot = dependency.parent }
            descriptor.slices = SlicesNeeded.of(stageRoot, partition: launch.spec.partition, available: remote.slices)
        } else {
            return .failure(EngineError.notShippable(operator: "job", rddId: -1, reason: "the task has no shipped plan"))
        }
        let spec = launch.spec
        descriptor.taskId = spec.taskId
        descriptor.jobId = spec.jobId
        descriptor.stageId = spec.stageId
        descriptor.stageAttempt = spec.stageAttempt
        descriptor.partition = spec.partition
        descriptor.attempt = spec.attempt
        if case .shuffleMap(let dependency) = launch.work { descriptor.shuffleId = dependency.shuffleId }
        descriptor.resultInlineLimit = resultInlineLimit
        descriptor.maxBytesInFlight = maxBytesInFlight
        for (shuffleId, maps) in locations {
            let count = (maps.keys.max() ?? -1) + 1
            descriptor.locations[shuffleId] = (0..<count).map { maps[$0] }
            let sizes = largestBuckets[shuffleId] ?? [:]
            descriptor.bucketBytes[shuffleId] = (0..<count).map { sizes[$0] ?? 0 }
        }
        return .success(descriptor)
    }

    private static func outcome(_ report: TaskReport, launch: TaskLaunch, node: NodeIdentity) throws -> SchedulerState.TaskOutcome {
        switch report {
        case let .mapOutput(bytes, records):
            return .mapOutput(MapStatus(executorId: "\(node.endpoint)", bytesPerReducer: bytes, records: records))
        case .resultBlock:
            throw EngineError.noWorkers(reason: "internal: a result block was not fetched")
        case .result(let value):
            guard let remote = launch.remote else { throw EngineError.noWorkers(reason: "internal: no decoder") }
            return .result(try remote.decode(value))
        case let .fetchFailed(shuffleId, mapIndex):
            return .fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex)
        case let .failed(type, message):
            return .failed(RemoteTaskError(typeName: type, message: message, worker: "\(node.endpoint)"))
        case let .failedWithValue(type, message, mangledType, value):
            return .failed(TaskReport.error(type: type, message: message, mangledType: mangledType, value: value,
                                            worker: "\(node.endpoint)"))
        case .handedOff(let token):
            throw EngineError.workerFailed(worker: "\(node.endpoint)", reason: "internal: no outcome under handoff token \(token)")
        }
    }

    private func finished(_ run: Int, on node: NodeIdentity, _ outcome: SchedulerState.TaskOutcome,
                          accumulatorUpdates: [Int: [UInt8]], handedOff: [any AccumulatorUpdate]) async {
        defer { resumeIdleWaiters() }
        workers[node]?.running -= 1
        if let spec = tracker.runs[run]?.launch.spec {
            dag?.events.post(.ended(TaskInfo(spec, executorId: "\(node.endpoint)"), succeeded: outcome.succeeded))
        }
        var taskFailed = false
        if case .failed(let error) = outcome, !(error is EngineError) || !Self.isWorkerLoss(error) { taskFailed = true }
        guard let (ended, report) = tracker.ended(run, succeeded: outcome.succeeded, taskFailed: taskFailed, at: .now) else { return }
        let launch = ended.launch
        guard report else {
            dispatch()
            return
        }
        if outcome.succeeded, workers[node] != nil {
            // The task read or cached these partitions there.
            for key in launch.cacheKeys { cachedAt[key] = node }
        }
        if case .mapOutput(let status) = outcome, case .shuffleMap(let dependency) = launch.work, workers[node] != nil {
            locations[dependency.shuffleId, default: [:]][launch.spec.partition] = node
            largestBuckets[dependency.shuffleId, default: [:]][launch.spec.partition] = status.bytesPerReducer.max() ?? 0
        }
        for observer in observers {
            observer.yield(TaskEnd(stageId: launch.spec.stageId, partition: launch.spec.partition, worker: node,
                                   succeeded: outcome.succeeded))
        }
        var updates = accumulatorUpdates.map { accumulators.update(id: $0.key, bytes: $0.value) }
        // A worker's handle partials name no registry of the driver's: merge their bytes here.
        for update in handedOff {
            if let source = update as? EncodedAccumulatorSource {
                updates.append(accumulators.update(id: source.encoded.id, bytes: source.encoded.value))
            } else {
                updates.append(update)
            }
        }
        await dag?.taskEnded(launch.spec, outcome, accumulators: updates)
        dispatch()
    }

    /// True for the errors that say the worker was lost, not that the task failed.
    private static func isWorkerLoss(_ error: any Error) -> Bool {
        if case .workerFailed = error as? EngineError { return true }
        return false
    }

    private func failQueued() async {
        let failed = queue
        queue = []
        queuedAt = [:]
        var reason = lostWorkers.isEmpty ? "the cluster has no workers" : "every worker was lost: \(lostWorkers.joined(separator: ", "))"
        if !exitedWorkerOutput.isEmpty { reason += "; their last output: \(exitedWorkerOutput.joined(separator: " | "))" }
        for launch in failed {
            await dag?.taskEnded(launch.spec, .failed(EngineError.noWorkers(reason: reason)), accumulators: [])
        }
        resumeIdleWaiters()
    }
}
