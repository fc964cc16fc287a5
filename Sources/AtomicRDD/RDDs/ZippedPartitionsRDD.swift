/// Partition `i` of two RDDs with as many partitions, read together in one task
/// and turned into partition `i` of the result: `zip` and `zipPartitions`.
final class ZippedPartitionsRDD<Left: Sendable, Right: Sendable, Output: Sendable>: RDD<Output>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let left: RDD<Left>
    private let right: RDD<Right>
    private let transform: @Sendable (Int, Records<Left>, Records<Right>) throws -> Records<Output>

    /// Zips `left` and `right`, which the caller checked have as many partitions.
    init(left: RDD<Left>, right: RDD<Right>, operatorName: String, runsUserClosure: Bool,
         preservesPartitioning: Bool = false,
         transform: @escaping @Sendable (Int, Records<Left>, Records<Right>) throws -> Records<Output>) {
        precondition(left.partitionCount == right.partitionCount,
                     "Internal inconsistency: zipping \(left.partitionCount) with \(right.partitionCount) partitions")
        self.left = left
        self.right = right
        self.transform = transform
        super.init(context: left.context, partitionCount: left.partitionCount,
                   dependencies: [NarrowDependency.oneToOne(left), NarrowDependency.oneToOne(right)],
                   operatorName: operatorName, runsUserClosure: runsUserClosure,
                   partitioner: preservesPartitioning ? left.partitioner : nil)
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Output> {
        let leftRecords = try await left.iterator(split, task)
        return try transform(split, leftRecords, try await right.iterator(split, task))
    }
}
