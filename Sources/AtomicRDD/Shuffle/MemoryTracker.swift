/// Tracks the memory of one growing buffer against the executor's budget.
///
/// The size of an entry is estimated from a sample record every so often (its
/// inline size plus its wire size, plus hash-table overhead), and the budget is
/// asked for room in steps, so the cost is a few instructions per record.
final class MemoryTracker {
    private let budget: MemoryBudget
    private(set) var held = 0
    private(set) var bytesPerEntry = 0
    private var samples = 0

    init(budget: MemoryBudget) { self.budget = budget }

    /// True when `entries` entries fit in the memory held or in more the budget grants.
    func fits<Element>(entries: Int, sample: Element, codec: RecordCodec<Element>) -> Bool {
        if samples < 8 || samples & 63 == 0 {
            let size = codec.estimatedSize(of: sample) + 16
            bytesPerEntry = samples == 0 ? size : (bytesPerEntry * 7 + size) / 8
        }
        samples += 1
        let needed = entries * bytesPerEntry
        guard needed > held else { return true }
        let request = max(needed - held, needed / 4, 1 << 20)
        if budget.tryAcquire(request) {
            held += request
            return true
        }
        return false
    }

    /// Gives all held memory back.
    func releaseAll() {
        budget.release(held)
        held = 0
    }

    /// Hands the held memory to a new owner (which releases it later).
    func takeHeld() -> Int {
        defer { held = 0 }
        return held
    }

    deinit { budget.release(held) }
}
