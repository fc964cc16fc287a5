/// Sorting and merging of key-value records by the 64-bit image of their keys
/// (``RadixSortableKey``): what a sorting shuffle uses for integer and `Double` keys.
enum RadixSort {
    /// Below this many records a comparison sort is quicker than counting digits.
    static let smallCount = 64

    /// The widest digit a pass sorts on: 2,048 counters (16 KiB) stay in the
    /// L1 cache while a pass scatters records to as many places.
    static let maxDigitBits = 11

    /// Sorts `records` by their keys' `radixImage ^ flip` (`flip` all ones sorts
    /// descending), stably: a least-significant-digit radix sort over only the
    /// bits that vary between keys (the high bits of small integers and of the
    /// keys of one range partition do not), cut into the fewest digits of at
    /// most ``maxDigitBits`` bits, so 30-bit keys take three passes.
    ///
    /// - Complexity: two reads of every key, then O(n) a pass, at most 6 passes;
    ///   n records of scratch memory.
    static func sort<K: RadixSortableKey, C>(_ records: inout [(K, C)], flip: UInt64 = 0) {
        let n = records.count
        guard n > 1 else { return }
        guard n > smallCount else {
            records.sort { $0.0.radixImage ^ flip < $1.0.radixImage ^ flip }
            return
        }
        // The bits in which some key differs from the first (`flip` changes none of them).
        let varying = records.withUnsafeBufferPointer { buffer in
            let first = buffer[0].0.radixImage
            var varying: UInt64 = 0
            for record in buffer { varying |= record.0.radixImage ^ first }
            return varying
        }
        guard varying != 0 else { return }
        let lowest = varying.trailingZeroBitCount
        let span = 64 - varying.leadingZeroBitCount - lowest
        let passes = (span + maxDigitBits - 1) / maxDigitBits
        let width = (span + passes - 1) / passes
        let radix = 1 << width, mask = UInt64(radix - 1)
        // One more read of every key counts the digits of all passes.
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: passes * radix)
        counts.initialize(repeating: 0, count: passes * radix)
        defer { counts.deallocate() }
        records.withUnsafeBufferPointer { buffer in
            for record in buffer {
                let bits = (record.0.radixImage ^ flip) >> UInt64(lowest)
                for pass in 0..<passes {
                    counts[pass * radix + Int(truncatingIfNeeded: (bits >> UInt64(pass * width)) & mask)] += 1
                }
            }
        }
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: radix)
        defer { offsets.deallocate() }
        // Moves all n records between `storage` and `scratch`, a pass at a
        // time; returns where they end (`storage` after an even number of passes).
        func scatter(_ storage: UnsafeMutablePointer<(K, C)>, _ scratch: UnsafeMutablePointer<(K, C)>) -> UnsafeMutablePointer<(K, C)> {
            var source = storage, target = scratch
            for pass in 0..<passes {
                var sum = 0
                for value in 0..<radix {
                    offsets[value] = sum
                    sum += counts[pass * radix + value]
                }
                let shift = UInt64(lowest + pass * width)
                for i in 0..<n {
                    let value = Int(truncatingIfNeeded: ((source[i].0.radixImage ^ flip) >> shift) & mask)
                    (target + offsets[value]).moveInitialize(from: source + i, count: 1)
                    offsets[value] += 1
                }
                swap(&source, &target)
            }
            return source
        }
        if passes % 2 == 1 && _isPOD((K, C).self) {
            // An odd number of passes ends in the scratch space. For plain data
            // that space becomes the array instead of the records moving back:
            // the old storage's moved-from bits need no destroying.
            let sorted = [(K, C)](unsafeUninitializedCapacity: n) { scratch, initialized in
                records.withUnsafeMutableBufferPointer { buffer in _ = scatter(buffer.baseAddress!, scratch.baseAddress!) }
                initialized = n
            }
            records = sorted
            return
        }
        let scratch = UnsafeMutablePointer<(K, C)>.allocate(capacity: n)
        defer { scratch.deallocate() }
        records.withUnsafeMutableBufferPointer { buffer in
            // Every slot of the array is initialized again before this closure returns.
            let storage = buffer.baseAddress!
            let end = scatter(storage, scratch)
            if end != storage { storage.moveInitialize(from: end, count: n) }
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

    /// Restores the heap order below `index`, by image.
    private static func siftDown<Record>(_ heap: inout [(image: UInt64, source: Int, record: Record)], from index: Int) {
        heap.withUnsafeMutableBufferPointer { HeapOrder.siftDown($0, from: index) { $0.image < $1.image } }
    }
}
