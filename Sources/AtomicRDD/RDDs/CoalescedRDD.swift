/// Fewer partitions without a shuffle: each partition reads a run of adjacent
/// parent partitions one after another (`coalesce(_:)`).
///
/// Parent partitions are dealt in equal runs (`n` parents over `m` children
/// give runs of `n / m` or `n / m + 1`); sizes and locality are not weighed.
/// Asking for more partitions than the parent has keeps the parent's count: a
/// narrow dependency cannot split a partition.
final class CoalescedRDD<Element: Sendable>: RDD<Element>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let parent: RDD<Element>

    init(parent: RDD<Element>, partitions requested: Int) {
        self.parent = parent
        let parents = parent.partitionCount, count = Swift.max(1, Swift.min(requested, parents))
        super.init(context: parent.context, partitionCount: count,
                   dependencies: [NarrowDependency(parent: parent) { child in
                       Array(Self.parentRange(of: child, partitions: count, parents: parents))
                   }],
                   operatorName: "coalesce")
    }

    /// The parent partitions that partition `child` of `partitions` reads.
    static func parentRange(of child: Int, partitions: Int, parents: Int) -> Range<Int> {
        child * parents / partitions..<(child + 1) * parents / partitions
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        // Each parent's records are built here (their async part) and drained in turn.
        var sources: [Records<Element>] = []
        for index in Self.parentRange(of: split, partitions: partitionCount, parents: parent.partitionCount) {
            sources.append(try await parent.iterator(index, task))
        }
        var current = 0
        return Records {
            while current < sources.count {
                if let element = try sources[current].next() { return element }
                sources[current] = .empty  // let go of what the exhausted source holds
                current += 1
            }
            return nil
        }
    }
}
