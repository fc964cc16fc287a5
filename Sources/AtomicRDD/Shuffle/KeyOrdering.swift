/// How a sorting shuffle orders its `(K, C)` records by key: how a bucket is
/// sorted and how sorted buckets are merged.
///
/// A sorting shuffle sorts each bucket on the map side (before it is kept in
/// memory or spilled), and the reduce side merges the sorted buckets. Both
/// functions are made where the key type is concrete, so the comparison or
/// the key's radix image is inlined into the record loops.
struct KeyOrdering<K: Sendable, C: Sendable>: Sendable {
    /// Sorts a bucket by key.
    let sort: @Sendable (inout [(K, C)]) -> Void
    /// Merges streams, each in key order, into one in key order; reads nothing
    /// before the first pull.
    let merge: @Sendable ([Records<(K, C)>]) -> Records<(K, C)>
    /// Merges sorted runs held in memory, read in place, when this ordering
    /// has a way of its own to (``SortedRuns``); otherwise they go through `merge`.
    var mergeRuns: (@Sendable ([[(K, C)]]) -> Records<(K, C)>)? = nil

    /// `<` (or `>`) on comparable keys: comparison sort and a heap merge.
    ///
    /// - Complexity: O(n log n) to sort; O(log s) a record to merge s streams.
    static func comparing(ascending: Bool) -> KeyOrdering where K: Comparable {
        if ascending {
            return KeyOrdering(sort: { $0.sort { $0.0 < $1.0 } },
                               merge: { MergeHeap.merged($0) { $0.0 < $1.0 } })
        }
        return KeyOrdering(sort: { $0.sort { $0.0 > $1.0 } },
                           merge: { MergeHeap.merged($0) { $0.0 > $1.0 } })
    }

    /// `<` (or `>`) on keys with an order-preserving 64-bit image: radix sort,
    /// and a merge comparing images. Descending sorts on the image's complement.
    ///
    /// - Complexity: O(n) a pass to sort, at most 8 passes; O(log s) a record to merge.
    static func radix(ascending: Bool) -> KeyOrdering where K: RadixSortableKey {
        let flip: UInt64 = ascending ? 0 : ~0
        return KeyOrdering(sort: { RadixSort.sort(&$0, flip: flip) },
                           merge: { RadixSort.merged($0, flip: flip) },
                           mergeRuns: { SortedRuns.merged($0, flip: flip) })
    }
}
