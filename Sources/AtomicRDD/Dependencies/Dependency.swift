/// How an RDD's partitions depend on a parent's.
///
/// A narrow dependency maps each child partition to a few parent partitions, so
/// both run in one task of one stage. A shuffle dependency needs every parent
/// partition, so it ends a stage: the scheduler runs the parent's map stage,
/// then the child's.
class Dependency: @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    /// The RDD depended on.
    let parent: AnyRDD

    init(parent: AnyRDD) { self.parent = parent }
}

/// Each child partition reads the listed partitions of the parent, in the same task.
final class NarrowDependency: Dependency, @unchecked Sendable {
    /// The parent partitions that child partition `i` reads.
    let parentPartitions: @Sendable (Int) -> [Int]

    init(parent: AnyRDD, parentPartitions: @escaping @Sendable (Int) -> [Int]) {
        self.parentPartitions = parentPartitions
        super.init(parent: parent)
    }

    /// Partition i of the child reads partition i of the parent.
    static func oneToOne(_ parent: AnyRDD) -> NarrowDependency {
        NarrowDependency(parent: parent) { [$0] }
    }

    /// Child partitions `offset..<offset + parent.count` read the parent's partitions in order.
    static func range(_ parent: AnyRDD, offset: Int) -> NarrowDependency {
        NarrowDependency(parent: parent) { [$0 - offset] }
    }
}

/// The child needs every partition of the parent, regrouped by key: a stage boundary.
///
/// Subclasses know the record types and run a map task that writes one bucket
/// per reduce partition (see ``ShuffleDependency``).
class ShuffleDependencyBase: Dependency, @unchecked Sendable {
    /// The shuffle's id within its Context.
    let shuffleId: Int
    /// How keys are spread over reduce partitions.
    let partitioner: any Partitioner

    init(parent: AnyRDD, shuffleId: Int, partitioner: any Partitioner) {
        self.shuffleId = shuffleId
        self.partitioner = partitioner
        super.init(parent: parent)
    }

    /// The number of map tasks: one per parent partition.
    var mapCount: Int { parent.partitionCount }
    /// The number of reduce partitions.
    var reduceCount: Int { partitioner.partitionCount }

    /// Runs the map task for parent partition `split`, storing its output with the
    /// executor's shuffle manager.
    func runMapTask(_ split: Int, _ task: TaskContext) async throws -> MapStatus {
        preconditionFailure("Internal inconsistency: ShuffleDependencyBase.runMapTask must be overridden")
    }
}
