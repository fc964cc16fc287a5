import Synchronization

/// An executor's memory budget, shared by cached blocks and shuffle buffers.
///
/// Shuffle writers and aggregators acquire memory as their buffers grow and
/// spill to disk when refused. A refused request first asks the cache to evict
/// least-recently-used blocks (``evictor``), as Spark's unified memory lets
/// execution take memory back from storage.
final class MemoryBudget: Sendable {
    /// The budget in bytes.
    let capacity: Int
    private let used = Mutex(0)
    private let peak = Mutex(0)
    /// Frees at least the given bytes of cached blocks if it can; returns what it freed.
    let evictor = Mutex<(@Sendable (Int) -> Int)?>(nil)

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Bytes currently held.
    var usedBytes: Int { used.withLock { $0 } }
    /// The most bytes held at once.
    var peakBytes: Int { peak.withLock { $0 } }

    /// Takes `bytes` if they fit, evicting cached blocks if `mayEvict`; false if refused.
    func tryAcquire(_ bytes: Int, mayEvict: Bool = true) -> Bool {
        if take(bytes) { return true }
        guard mayEvict, let evict = evictor.withLock({ $0 }) else { return false }
        let shortfall = used.withLock { $0 } + bytes - capacity
        _ = evict(max(shortfall, bytes))
        return take(bytes)
    }

    /// Takes `bytes` whatever the budget says (memory already in use that must be counted).
    func forceAcquire(_ bytes: Int) {
        used.withLock { $0 += bytes }
        notePeak()
    }

    /// Gives back bytes taken earlier.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.withLock { used in
            used -= bytes
            precondition(used >= 0, "Internal inconsistency: released more memory than acquired")
        }
    }

    private func take(_ bytes: Int) -> Bool {
        let ok = used.withLock { used -> Bool in
            guard used + bytes <= capacity else { return false }
            used += bytes
            return true
        }
        if ok { notePeak() }
        return ok
    }

    private func notePeak() {
        let now = used.withLock { $0 }
        peak.withLock { $0 = max($0, now) }
    }
}
