/// Sorting and merging of key-value records by the 64-bit image of their keys
/// (``RadixSortableKey``): what a sorting shuffle uses for integer and `Double` keys.
enum RadixSort {
    /// Below this many records a comparison sort is quicker than eight histograms.
    static let smallCount = 64

    /// Sorts `records` by their keys' `radixImage ^ flip` (`flip` all ones sorts
    /// descending), stably: a least-significant-digit radix sort, 8 bits a pass,
    /// that skips the passes where every image has the same digit (the high
    /// bytes of small integers), so 32-bit keys take four passes.
    ///
    /// - Complexity: O(n) a pass, at most 8 passes; n records of scratch memory.
    static func sort<K: RadixSortableKey, C>(_ records: inout [(K, C)], flip: UInt64 = 0) {
        let n = records.count
        guard n > 1 else { return }
        guard n > smallCount else {
            records.sort { $0.0.radixImage ^ flip < $1.0.radixImage ^ flip }
            return
        }
        // One read of every key counts the digits of all eight passes.
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 8 * 256)
        counts.initialize(repeating: 0, count: 8 * 256)
        defer { counts.deallocate() }
        records.withUnsafeBufferPointer { buffer in
            for record in buffer {
                let bits = record.0.radixImage ^ flip
                for digit in 0..<8 { counts[digit << 8 | Int(truncatingIfNeeded: bits >> UInt64(digit << 3)) & 255] += 1 }
            }
        }
        let passes = (0..<8).filter { digit in !(0..<256).contains { counts[digit << 8 | $0] == n } }
        guard !passes.isEmpty else { return }
        let scratch = UnsafeMutablePointer<(K, C)>.allocate(capacity: n)
        defer { scratch.deallocate() }
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 256)
        defer { offsets.deallocate() }
        records.withUnsafeMutableBufferPointer { buffer in
            // Records move between the array's storage and the scratch space, each
            // pass moving all n of them, and end in the array's storage: every
            // slot of the array is initialized again before this closure returns.
            let storage = buffer.baseAddress!
            var source = storage, target = scratch
            for digit in passes {
                var sum = 0
                for value in 0..<256 {
                    offsets[value] = sum
                    sum += counts[digit << 8 | value]
                }
                let shift = UInt64(digit << 3)
                for i in 0..<n {
                    let value = Int(truncatingIfNeeded: (source[i].0.radixImage ^ flip) >> shift) & 255
                    (target + offsets[value]).moveInitialize(from: source + i, count: 1)
                    offsets[value] += 1
                }
                swap(&source, &target)
            }
            if source != storage { storage.moveInitialize(from: source, count: n) }
        }
    }

    /// The records of `sources`, each sorted by `radixImage ^ flip`, merged into
    /// one stream in that order, with a heap comparing images (no call a
    /// comparison). Nothing is read before the first pull.
    ///
    /// - Complexity: O(log s) a record for s sources.
    static func merged<K: RadixSortableKey, C>(_ sources: [Records<(K, C)>], flip: UInt64 = 0) -> Records<(K, C)> {
        if sources.count <= 1 { return sources.first ?? .empty }
        var sources = sources
        // A binary min-heap by image of the head record of each unfinished source.
        var heap: [(image: UInt64, source: Int, record: (K, C))] = []
        heap.reserveCapacity(sources.count)
        var started = false
        return Records {
            if !started {
                started = true
                for i in sources.indices {
                    if let record = try sources[i].next() { heap.append((record.0.radixImage ^ flip, i, record)) }
                }
                for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(&heap, from: i) }
            }
            guard let top = heap.first else { return nil }
            if let next = try sources[top.source].next() {
                heap[0] = (next.0.radixImage ^ flip, top.source, next)
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if heap.count > 1 { siftDown(&heap, from: 0) }
            return top.record
        }
    }

    /// Restores the heap order below `index`.
    private static func siftDown<Record>(_ heap: inout [(image: UInt64, source: Int, record: Record)], from index: Int) {
        let count = heap.count
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < count, heap[left].image < heap[smallest].image { smallest = left }
            if right < count, heap[right].image < heap[smallest].image { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
