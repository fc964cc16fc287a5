import Synchronization

/// How the driver of an in-process cluster hands tasks to its worker nodes by
/// reference: the task's descriptor travels over the cluster like any other and
/// carries a token; the worker takes the launch (closures, RDDs and all) from
/// here, runs it on its own executor, and leaves the outcome under the same
/// token for the driver. Only nodes in one process can share it.
final class InProcessHandoff: Sendable {
    /// How a task ended on a worker: what the scheduler needs, as local mode reports it.
    struct Ended: Sendable {
        let outcome: SchedulerState.TaskOutcome
        let accumulatorUpdates: [any AccumulatorUpdate]
    }

    private let state = Mutex<(next: Int, launches: [Int: TaskLaunch], ended: [Int: Ended])>((0, [:], [:]))

    /// Leaves a launch for a worker and returns its token.
    func put(_ launch: TaskLaunch) -> Int {
        state.withLock { state in
            state.next += 1
            state.launches[state.next] = launch
            return state.next
        }
    }

    /// The launch left under `token`, once.
    func takeLaunch(_ token: Int) -> TaskLaunch? {
        state.withLock { $0.launches.removeValue(forKey: token) }
    }

    /// A worker leaves how the task under `token` ended.
    func finish(_ token: Int, _ ended: Ended) {
        state.withLock { $0.ended[token] = ended }
    }

    /// How the task under `token` ended, once.
    func takeEnded(_ token: Int) -> Ended? {
        state.withLock { $0.ended.removeValue(forKey: token) }
    }

    /// Forgets a token whose worker was lost before or while running it.
    func discard(_ token: Int) {
        state.withLock { state in
            state.launches[token] = nil
            state.ended[token] = nil
        }
    }

    /// Launches and outcomes not yet taken (what tests check is zero at the end).
    var pending: Int { state.withLock { $0.launches.count + $0.ended.count } }
}
