import Foundation

/// Runs tasks on one node: it owns that node's ``ExecutorEnvironment`` (memory
/// budget, block manager, shuffle manager, task threads) and reports each
/// task's end to the ``DAGScheduler`` and the ``TaskScheduler``.
actor Executor {
    let environment: ExecutorEnvironment
    private var running = 0

    init(environment: ExecutorEnvironment) { self.environment = environment }

    /// Starts a task; returns at once.
    func launch(_ launch: TaskLaunch, dag: DAGScheduler, scheduler: TaskScheduler) {
        running += 1
        let environment = environment
        // The task's closure holds the launch (and so the RDDs) only until it has
        // run: a finished job's lineage must be free to go, and its shuffle files with it.
        let box = LaunchBox(launch)
        Task.detached {
            let (spec, outcome, updates) = await Executor.execute(box.take(), environment: environment)
            dag.events.post(.ended(TaskInfo(spec, executorId: environment.executorId), succeeded: outcome.succeeded))
            await dag.taskEnded(spec, outcome, accumulators: updates)
            await scheduler.slotFreed()
            await self.finished()
        }
    }

    /// Runs a task to its end on `environment` and reports what happened; a
    /// worker of an in-process cluster passes where its shuffle inputs live.
    static func execute(_ launch: TaskLaunch, environment: ExecutorEnvironment, shuffleSource: ShuffleSource? = nil) async
        -> (TaskSpec, SchedulerState.TaskOutcome, [any AccumulatorUpdate]) {
        let task = TaskContext(stageId: launch.spec.stageId, partition: launch.spec.partition,
                               attempt: launch.spec.attempt, taskAttemptId: launch.spec.taskId,
                               environment: environment, cancellation: launch.cancellation, shuffleSource: shuffleSource)
        let outcome: SchedulerState.TaskOutcome
        do {
            try task.checkCancelled()
            switch launch.work {
            case .shuffleMap(let dependency):
                outcome = .mapOutput(try await TaskContext.$asyncCurrent.withValue(task) {
                    try await dependency.runMapTask(launch.spec.partition, task)
                })
            case .result(let body):
                outcome = .result(try await TaskContext.$asyncCurrent.withValue(task) { try await body(task) })
            }
        } catch EngineError.fetchFailed(let shuffleId, let mapIndex, _) {
            outcome = .fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex)
        } catch {
            outcome = .failed(error)
        }
        task.runCompletionHandlers()
        environment.spillCount.add(task.metrics.spillCount, ordering: .relaxed)
        let updates = outcome.succeeded ? Array(task.accumulatorUpdates.values) : []
        return (launch.spec, outcome, updates)
    }

    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    private func finished() {
        running -= 1
        if running == 0 {
            let waiters = idleWaiters
            idleWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Returns once no task is running (at once if none is).
    func whenIdle() async {
        guard running > 0 else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Tasks started and not yet reported.
    var runningTasks: Int { running }
}

extension SchedulerState.TaskOutcome {
    var succeeded: Bool {
        switch self {
        case .result, .mapOutput: true
        case .failed, .fetchFailed: false
        }
    }
}

/// Hands a launch to the task that runs it, once.
private final class LaunchBox: @unchecked Sendable {
    // `@unchecked Sendable`: written at init, taken once by the one task that runs it.
    private var launch: TaskLaunch?
    init(_ launch: TaskLaunch) { self.launch = launch }
    func take() -> TaskLaunch {
        defer { launch = nil }
        return launch!
    }
}
