extension RangePartitioner {
    /// Bounds that cut weighted candidate keys into `partitions` ranges of about
    /// equal total weight, as Spark's `RangePartitioner.determineBounds`.
    ///
    /// A candidate sampled from a partition of `n` elements of which `s` were
    /// sampled weighs `n / s`, so big partitions count for what they hold. Equal
    /// keys never make two bounds, so heavily repeated keys give fewer partitions
    /// than asked for.
    ///
    /// - Complexity: O(c log c) for c candidates.
    static func weighted(_ candidates: [(key: Key, weight: Double)], partitions: Int,
                         descending: Bool = false) -> RangePartitioner {
        guard partitions > 1, !candidates.isEmpty else { return RangePartitioner(bounds: [], descending: descending) }
        let ordered = candidates.sorted { $0.key < $1.key }
        let step = ordered.reduce(0) { $0 + $1.weight } / Double(partitions)
        var bounds: [Key] = []
        var cumulative = 0.0, target = step
        for candidate in ordered where bounds.count < partitions - 1 {
            cumulative += candidate.weight
            guard cumulative >= target else { continue }
            if let previous = bounds.last, !(previous < candidate.key) { continue }
            bounds.append(candidate.key)
            target += step
        }
        return RangePartitioner(bounds: bounds, descending: descending)
    }
}
