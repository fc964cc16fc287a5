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

    private let state = Mutex<(next: Int, live: Set<Int>, launches: [Int: TaskLaunch], ended: [Int: Ended])>((0, [], [:], [:]))

    /// Leaves a launch for a worker and returns its token, live until discarded.
    func put(_ launch: TaskLaunch) -> Int {
        state.withLock { state in
            state.next += 1
            state.live.insert(state.next)
            state.launches[state.next] = launch
            return state.next
        }
    }

    /// The launch left under `token`, once.
    func takeLaunch(_ token: Int) -> TaskLaunch? {
        state.withLock { $0.launches.removeValue(forKey: token) }
    }

    /// A worker leaves how the task under `token` ended; dropped when the
    /// driver gave the token up meanwhile (it took the worker for lost).
    func finish(_ token: Int, _ ended: Ended) {
        state.withLock { state in
            guard state.live.contains(token) else { return }
            state.ended[token] = ended
        }
    }

    /// How the task under `token` ended, once.
    func takeEnded(_ token: Int) -> Ended? {
        state.withLock { $0.ended.removeValue(forKey: token) }
    }

    /// Forgets a token: its task ended, or its worker was lost before or while running it.
    func discard(_ token: Int) {
        state.withLock { state in
            state.live.remove(token)
            state.launches[token] = nil
            state.ended[token] = nil
        }
    }

    /// Tokens not yet discarded (every launch or outcome held has one; what tests check is zero at the end).
    var pending: Int { state.withLock { $0.live.count } }
}
