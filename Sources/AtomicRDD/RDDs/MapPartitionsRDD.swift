/// A narrow transformation of each partition of one parent: `map`, `filter`,
/// `flatMap`, `mapPartitions` and friends. Chains of them fuse: each wraps its
/// parent's records, so a stage is one pass with no intermediate arrays.
final class MapPartitionsRDD<Input: Sendable, Output: Sendable>: RDD<Output>, @unchecked Sendable {
    private let parent: RDD<Input>
    private let transform: @Sendable (TaskContext, Int, Records<Input>) throws -> Records<Output>

    init(parent: RDD<Input>, operatorName: String, function: FunctionDescriptor? = nil, runsUserClosure: Bool,
         preservesPartitioning: Bool = false,
         transform: @escaping @Sendable (TaskContext, Int, Records<Input>) throws -> Records<Output>) {
        self.parent = parent
        self.transform = transform
        super.init(context: parent.context, partitionCount: parent.partitionCount,
                   dependencies: [NarrowDependency.oneToOne(parent)], operatorName: operatorName,
                   function: function, runsUserClosure: runsUserClosure,
                   partitioner: preservesPartitioning ? parent.partitioner : nil)
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Output> {
        try transform(task, split, try await parent.iterator(split, task))
    }
}
