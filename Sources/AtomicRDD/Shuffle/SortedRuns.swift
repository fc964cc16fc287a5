/// Runs of records in memory, each sorted by its keys' `radixImage ^ flip`,
/// merged into one stream in that order: what the reduce side of a sorting
/// shuffle reads when every bucket it fetched is in memory.
///
/// Unlike ``RadixSort/merged(_:flip:)``, which pulls each source's records
/// through its `Records` closure, this reads the arrays in place: two runs
/// (one per map task of a two-task stage) are merged by two positions, more
/// by a heap of run heads holding only images and run numbers. The stream has
/// a loop of its own (``Records/forEach(_:)``) and knows its count, so
/// `collect()` fills one array of the right size.
///
/// Records of equal keys come in run order, as a stable merge gives them.
final class SortedRuns<K: RadixSortableKey, C> {
    private let runs: [[(K, C)]]
    private let flip: UInt64
    // The next record of each run.
    private var positions: [Int]
    // For more than two runs: a min-heap of the unfinished runs' head images,
    // ties broken by run number; built on the first read.
    private var heap: [(image: UInt64, run: Int)] = []
    private var started = false

    private init(_ runs: [[(K, C)]], flip: UInt64) {
        self.runs = runs
        self.flip = flip
        positions = Array(repeating: 0, count: runs.count)
    }

    /// The records of `runs` (each sorted by `radixImage ^ flip`) in that order.
    static func merged(_ runs: [[(K, C)]], flip: UInt64 = 0) -> Records<(K, C)> {
        let runs = runs.filter { !$0.isEmpty }
        switch runs.count {
        case 0: return .empty
        case 1: return Records(runs[0])
        default:
            let merge = SortedRuns(runs, flip: flip)
            return Records(pull: { merge.next() }, drain: { body in try merge.drain(body) },
                           expectedCount: runs.reduce(0) { $0 + $1.count })
        }
    }

    @inline(__always)
    private func image(_ run: Int, _ position: Int) -> UInt64 { runs[run][position].0.radixImage ^ flip }

    /// The next record in order, or nil after the last.
    func next() -> (K, C)? {
        if runs.count == 2 {
            let (i, j) = (positions[0], positions[1])
            if i < runs[0].count && (j == runs[1].count || image(1, j) >= image(0, i)) {
                positions[0] = i + 1
                return runs[0][i]
            }
            guard j < runs[1].count else { return nil }
            positions[1] = j + 1
            return runs[1][j]
        }
        startHeap()
        guard let top = heap.first else { return nil }
        let run = top.run, position = positions[run]
        positions[run] = position + 1
        if position + 1 < runs[run].count {
            heap[0] = (image(run, position + 1), run)
        } else {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
        }
        if heap.count > 1 { siftDown(from: 0) }
        return runs[run][position]
    }

    /// Hands every remaining record to `body`, in order.
    func drain(_ body: ((K, C)) throws -> Void) throws {
        guard runs.count == 2 else {
            while let record = next() { try body(record) }
            return
        }
        try runs[0].withUnsafeBufferPointer { a in
            try runs[1].withUnsafeBufferPointer { b in
                var i = positions[0], j = positions[1]
                // The positions are written back however the loop ends, so a
                // pull after a failed body goes on from the record after it.
                defer { positions[0] = i; positions[1] = j }
                let flip = self.flip
                while i < a.count && j < b.count {
                    if b[j].0.radixImage ^ flip < a[i].0.radixImage ^ flip {
                        j += 1
                        try body(b[j - 1])
                    } else {
                        i += 1
                        try body(a[i - 1])
                    }
                }
                while i < a.count {
                    i += 1
                    try body(a[i - 1])
                }
                while j < b.count {
                    j += 1
                    try body(b[j - 1])
                }
            }
        }
    }

    private func startHeap() {
        guard !started else { return }
        started = true
        heap.reserveCapacity(runs.count)
        for run in runs.indices where positions[run] < runs[run].count { heap.append((image(run, positions[run]), run)) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }

    /// Restores the heap order below `index`: by image, then run number.
    private func siftDown(from index: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            HeapOrder.siftDown(heap, from: index) { a, b in a.image < b.image || (a.image == b.image && a.run < b.run) }
        }
    }
}
