import Synchronization

/// A bound on the calls one connection has running on this node: its reader
/// takes a permit before it starts a call and waits when none is left, so a
/// peer that sends calls faster than they finish (or never reads their
/// replies) stops being read, and the transport's backpressure holds it up,
/// instead of this node starting a task and keeping a frame for every call.
final class CallPermits: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// Permits for `limit` calls at once (1 at least).
    init(limit: Int) {
        state = Mutex(State(available: Swift.max(1, limit)))
    }

    /// Takes a permit, waiting for one when none is left.
    nonisolated(nonsending) func acquire() async {
        let taken = state.withLock { s -> Bool in
            guard s.available > 0 else { return false }
            s.available -= 1
            return true
        }
        guard !taken else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                // A permit may have come back in between.
                if s.available > 0 {
                    s.available -= 1
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Gives a permit back, to the longest waiter if there is one.
    func release() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.available += 1
            return nil
        }
        waiter?.resume()
    }
}
