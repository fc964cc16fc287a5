import Synchronization

/// Where an actor system gets the time, so failure detection and call timeouts
/// can be driven by a ``ManualTimeSource`` in tests instead of sleeps.
public protocol TimeSource: Sendable {
    /// Monotonic time since an arbitrary origin.
    func now() -> Duration
    /// Suspends until `duration` has passed on this source.
    func sleep(for duration: Duration) async throws
}

/// The machine's monotonic clock.
public struct SystemTimeSource: TimeSource {
    private let origin = ContinuousClock.now

    /// A clock starting now.
    public init() {}

    /// Time since this source was created.
    public func now() -> Duration { ContinuousClock.now - origin }

    /// Sleeps on the continuous clock.
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// A clock that moves only when told to: sleepers wake when ``advance(by:)``
/// passes their deadline.
public final class ManualTimeSource: TimeSource {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A clock at zero.
    public init() {}

    /// The current manual time.
    public func now() -> Duration { state.withLock { $0.now } }

    /// Suspends until the clock is advanced past `now() + duration`.
    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate = state.withLock { s -> Bool in
                    if duration <= .zero { return true }
                    if Task.isCancelled { return true }
                    s.sleepers[id] = Sleeper(deadline: s.now + duration, continuation: continuation)
                    return false
                }
                if immediate {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward, waking every sleeper whose deadline has passed.
    public func advance(by duration: Duration) {
        let due = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.now += duration
            let ready = s.sleepers.filter { $0.value.deadline <= s.now }
            for id in ready.keys { s.sleepers.removeValue(forKey: id) }
            return ready.values.sorted { $0.deadline < $1.deadline }.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }
}
