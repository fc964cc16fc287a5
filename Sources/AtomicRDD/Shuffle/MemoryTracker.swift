/// Tracks the memory of one growing buffer against the executor's budget.
///
/// The size of an entry is estimated from a sample record every so often (its
/// inline size plus what its wire form needs beyond that), plus the bytes the
/// buffer spends per entry beyond the record (`overheadPerEntry`: a hash
/// table's hashes and slots; nothing for a plain array of records), and the
/// budget is asked for room in steps, so the cost is a few instructions per record.
final class MemoryTracker {
    private let budget: MemoryBudget
    /// Bytes per entry beyond the record's estimate.
    let overheadPerEntry: Int
    /// Whether a refused request may move kept map outputs to disk (see
    /// ``MemoryBudget/outputEvictor``): for reduce-side buffers, not for the
    /// map side, whose outputs would only take each other's place.
    let evictsKeptOutputs: Bool
    private(set) var held = 0
    /// The estimated bytes of one record, without the buffer's overhead (0 before the first sample).
    private(set) var bytesPerRecord = 0
    private var samples = 0

    /// A tracker of a buffer that spends `overheadPerEntry` bytes per entry
    /// beyond the record (16 by default: the join's hash table).
    init(budget: MemoryBudget, overheadPerEntry: Int = 16, evictsKeptOutputs: Bool = false) {
        self.budget = budget
        self.overheadPerEntry = overheadPerEntry
        self.evictsKeptOutputs = evictsKeptOutputs
    }

    /// The estimated bytes of one entry, overhead included.
    var bytesPerEntry: Int { bytesPerRecord + overheadPerEntry }

    /// True when `entries` entries fit in the memory held or in more the budget grants.
    func fits<Element>(entries: Int, sample: Element, codec: RecordCodec<Element>) -> Bool {
        if samples < 8 || samples & 63 == 0 {
            let size = codec.estimatedSize(of: sample)
            bytesPerRecord = samples == 0 ? size : (bytesPerRecord * 7 + size) / 8
        }
        samples += 1
        let needed = entries * bytesPerEntry
        guard needed > held else { return true }
        let request = max(needed - held, needed / 4, 1 << 20)
        if budget.tryAcquire(request, mayEvictOutputs: evictsKeptOutputs) {
            held += request
            return true
        }
        return false
    }

    /// Takes exactly `bytes` more if the budget grants them without evicting
    /// cached blocks (for scratch space that only speeds a task up).
    func tryHold(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        guard budget.tryAcquire(bytes, mayEvict: false) else { return false }
        held += bytes
        return true
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

    /// Hands exactly `bytes` to a new owner (which releases them later): what
    /// is held beyond them goes back to the budget, and a shortfall is taken
    /// whatever the budget says (the memory is in use already).
    func handOver(_ bytes: Int) -> Int {
        if held > bytes { budget.release(held - bytes) } else if bytes > held { budget.forceAcquire(bytes - held) }
        held = 0
        return bytes
    }

    deinit { budget.release(held) }
}
