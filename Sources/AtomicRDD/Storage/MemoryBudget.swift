import Synchronization

/// An executor's memory budget, shared by cached blocks and shuffle buffers.
///
/// Shuffle writers and aggregators acquire memory as their buffers grow and
/// spill to disk when refused. A refused request first asks the cache to evict
/// least-recently-used blocks (``evictor``), as Spark's unified memory lets
/// execution take memory back from storage. A reduce-side buffer that is still
/// refused may also have map outputs kept in memory moved to disk
/// (``outputEvictor``), so that outputs waiting to be read do not push the
/// tasks reading them into spilling.
final class MemoryBudget: Sendable {
    /// The budget in bytes.
    let capacity: Int
    private let used = Mutex(0)
    private let peak = Mutex(0)
    /// Frees at least the given bytes of cached blocks if it can; returns what it freed.
    let evictor = Mutex<(@Sendable (Int) -> Int)?>(nil)
    /// Moves at least the given bytes of kept map outputs to disk if it can; returns what it freed.
    let outputEvictor = Mutex<(@Sendable (Int) -> Int)?>(nil)

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Bytes currently held.
    var usedBytes: Int { used.withLock { $0 } }
    /// The most bytes held at once.
    var peakBytes: Int { peak.withLock { $0 } }

    /// Takes `bytes` if they fit, evicting cached blocks if `mayEvict`, then
    /// moving kept map outputs to disk if `mayEvictOutputs`; false if refused.
    func tryAcquire(_ bytes: Int, mayEvict: Bool = true, mayEvictOutputs: Bool = false) -> Bool {
        if take(bytes) { return true }
        // Cached blocks go by the whole request (eviction is cheap, and the
        // next request finds room); map outputs by the shortfall only, as
        // moving them writes files from inside the asking task.
        if mayEvict, take(bytes, afterFreeingWith: evictor, { max($0, bytes) }) { return true }
        return mayEvictOutputs && take(bytes, afterFreeingWith: outputEvictor, { max($0, 1) })
    }

    private func take(_ bytes: Int, afterFreeingWith evictor: borrowing Mutex<(@Sendable (Int) -> Int)?>,
                      _ amount: (_ shortfall: Int) -> Int) -> Bool {
        guard let evict = evictor.withLock({ $0 }) else { return false }
        _ = evict(amount(used.withLock { $0 } + bytes - capacity))
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
