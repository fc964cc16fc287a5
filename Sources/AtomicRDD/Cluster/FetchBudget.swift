import Synchronization

/// A reduce task's bound on the estimated bytes of remote buckets requested and
/// not yet received (Spark's `spark.reducer.maxSizeInFlight`), shared by the
/// shuffles the task fetches at once: a join's small side does not wait while
/// its half of the bound sits unused, and both sides together stay within it.
///
/// A bucket is requested once its estimate fits in what is left, or when
/// nothing is in flight (so a bucket larger than the bound is fetched alone).
/// Takers that must wait are served in the order they came.
final class FetchBudget: Sendable {
    private struct State {
        var inFlight = 0
        var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// The most estimated bytes in flight, unless one bucket alone is larger.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// `estimate` as it is counted: at least 1, at most the limit, so an
    /// estimate from the network cannot overflow the sum.
    func counted(_ estimate: Int) -> Int { min(max(1, estimate), limit) }

    /// Estimated bytes in flight.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Counts `bytes` (as ``counted(_:)``) in flight and returns true when they
    /// fit now and no one waits before; otherwise counts nothing and returns false.
    func tryTake(_ bytes: Int) -> Bool {
        let bytes = counted(bytes)
        return state.withLock { s in
            guard s.waiters.isEmpty, Self.fits(bytes, s.inFlight, limit) else { return false }
            s.inFlight += bytes
            return true
        }
    }

    /// Waits until `bytes` fit, then counts them in flight. Only for a taker
    /// with nothing in flight itself: someone else then holds what it waits
    /// for, and gives it back when their buckets arrive or their fetches end.
    func take(_ bytes: Int) async {
        let bytes = counted(bytes)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.waiters.isEmpty, Self.fits(bytes, s.inFlight, limit) {
                    s.inFlight += bytes
                    return true
                }
                s.waiters.append((bytes, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Gives back `bytes` taken before (as ``counted(_:)``), and lets waiters
    /// in that now fit, in order.
    func give(_ bytes: Int) {
        let bytes = counted(bytes)
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.inFlight -= bytes
            var woken: [CheckedContinuation<Void, Never>] = []
            while let first = s.waiters.first, Self.fits(first.bytes, s.inFlight, limit) {
                s.inFlight += first.bytes
                woken.append(s.waiters.removeFirst().continuation)
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    private static func fits(_ bytes: Int, _ inFlight: Int, _ limit: Int) -> Bool {
        inFlight == 0 || bytes <= limit - inFlight
    }
}
