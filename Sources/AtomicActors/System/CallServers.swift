import Synchronization

/// The tasks that run incoming calls, kept between calls.
///
/// Every call runs in a task of its own, as soon as its frame is read, so a
/// call that waits (on another node, on a lock, on a long computation) never
/// holds up the next one. A task whose call finished waits here for another
/// one instead of ending, up to ``maxIdle`` of them: a call handed to a waiting
/// task skips creating a task, its first frames' allocations and its teardown,
/// which cost more than a small call's own work.
///
/// `Work` is what a task is handed: for ``ClusterSystem``, an ``IncomingWork``.
final class CallServers<Work: Sendable>: Sendable {
    private struct State {
        var idle: [UnsafeContinuation<Work?, Never>] = []
        var closed = false
    }

    /// The most tasks kept waiting for a call.
    let maxIdle: Int
    private let state = Mutex(State())

    /// Servers keeping at most `maxIdle` tasks waiting.
    init(maxIdle: Int) {
        self.maxIdle = maxIdle
    }

    /// Hands `work` to a waiting task; false when none waits (or the servers
    /// are closed), and the caller starts a task for it.
    func handOff(_ work: Work) -> Bool {
        guard let waiter = state.withLock({ $0.idle.popLast() }) else { return false }
        waiter.resume(returning: work)
        return true
    }

    /// Waits for the next call handed to this task; nil when the task should
    /// end (enough tasks wait already, or the servers are closed).
    nonisolated(nonsending) func next() async -> Work? {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Work?, Never>) in
            let parked = state.withLock { s -> Bool in
                guard !s.closed, s.idle.count < maxIdle else { return false }
                s.idle.append(continuation)
                return true
            }
            if !parked { continuation.resume(returning: nil) }
        }
    }

    /// Ends every waiting task, and every running one when its call is done.
    func close() {
        let idle = state.withLock { s in
            s.closed = true
            defer { s.idle.removeAll() }
            return s.idle
        }
        for waiter in idle { waiter.resume(returning: nil) }
    }

    /// Tasks waiting for a call.
    var idleCount: Int { state.withLock { $0.idle.count } }
}

/// An incoming call for a kept task to run, and the permit it holds.
struct IncomingWork: Sendable {
    let call: IncomingCall
    let handler: WireResultHandler
    let permits: CallPermits
}
