/// Decides which reduce partition each key of a shuffle goes to.
///
/// Two RDDs partitioned by equivalent partitioners hold each key in the same
/// partition index, so joining or grouping them needs no shuffle.
public protocol Partitioner: Sendable, CustomStringConvertible {
    /// How many partitions keys are spread over.
    var partitionCount: Int { get }
    /// True when `other` sends every key to the same partition as this one.
    func isEquivalent(to other: any Partitioner) -> Bool
}

/// Spreads keys over partitions by ``ShuffleKey/stableHash``, like Spark's `HashPartitioner`.
public struct HashPartitioner: Partitioner, Hashable {
    /// How many partitions keys are spread over.
    public let partitionCount: Int

    /// A partitioner over `partitions` partitions (at least one).
    public init(partitions: Int) { partitionCount = max(1, partitions) }

    /// The partition of `key`.
    @inlinable
    public func partition<K: ShuffleKey>(of key: K) -> Int {
        Int(key.stableHash % UInt64(partitionCount))
    }

    /// True for a hash partitioner with as many partitions.
    public func isEquivalent(to other: any Partitioner) -> Bool {
        (other as? HashPartitioner) == self
    }

    /// "HashPartitioner(n)".
    public var description: String { "HashPartitioner(\(partitionCount))" }
}

/// Sends keys to partitions by sorted ranges, so partition i holds keys less
/// than those of partition i + 1: the partitioner of `sortByKey`.
///
/// The bounds come from a sample of the keys (see `RangePartitioner.sampling`).
public struct RangePartitioner<Key: Comparable & Sendable>: Partitioner {
    /// Upper bounds (inclusive) of every partition but the last, ascending.
    public let bounds: [Key]
    /// True when partitions are ordered from the greatest keys to the least.
    public let descending: Bool

    /// A partitioner with the given bounds.
    public init(bounds: [Key], descending: Bool = false) {
        self.bounds = bounds
        self.descending = descending
    }

    /// Bounds that cut `sample` into `partitions` ranges of about equal weight.
    public static func sampling(_ sample: [Key], partitions: Int, descending: Bool = false) -> RangePartitioner {
        let sorted = sample.sorted()
        guard partitions > 1, !sorted.isEmpty else { return RangePartitioner(bounds: [], descending: descending) }
        var bounds: [Key] = []
        for i in 1..<partitions {
            let candidate = sorted[min(sorted.count - 1, i * sorted.count / partitions)]
            if let last = bounds.last, !(last < candidate) { continue }
            bounds.append(candidate)
        }
        return RangePartitioner(bounds: bounds, descending: descending)
    }

    /// How many partitions keys are spread over.
    public var partitionCount: Int { bounds.count + 1 }

    /// The partition of `key`: a binary search over the bounds.
    /// - Complexity: O(log partitions).
    @inlinable
    public func partition(of key: Key) -> Int {
        var low = 0, high = bounds.count
        while low < high {
            let mid = (low + high) / 2
            if bounds[mid] < key { low = mid + 1 } else { high = mid }
        }
        return descending ? bounds.count - low : low
    }

    /// True only for itself: range bounds are not compared.
    public func isEquivalent(to other: any Partitioner) -> Bool { false }

    /// "RangePartitioner(n)".
    public var description: String { "RangePartitioner(\(partitionCount))" }
}
