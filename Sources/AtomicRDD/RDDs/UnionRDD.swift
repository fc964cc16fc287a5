/// The partitions of several RDDs one after another: `union`.
///
/// Narrow: partition `i` of the union is one partition of one parent, read in
/// the same task, so a union never shuffles. Parents keep their own
/// partitioning, but the union has no partitioner.
final class UnionRDD<Element: Sendable>: RDD<Element>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let parents: [RDD<Element>]
    /// `starts[j]` is the union's index of parent `j`'s first partition; the
    /// last entry is the partition count.
    private let starts: [Int]

    init(context: Context, parents: [RDD<Element>], operatorName: String = "union") {
        var starts = [0]
        var dependencies: [Dependency] = []
        for parent in parents {
            let offset = starts[starts.count - 1], range = offset..<offset + parent.partitionCount
            dependencies.append(NarrowDependency(parent: parent) { child in
                range.contains(child) ? [child - offset] : []
            })
            starts.append(range.upperBound)
        }
        self.parents = parents
        self.starts = starts
        super.init(context: context, partitionCount: starts[starts.count - 1], dependencies: dependencies,
                   operatorName: operatorName)
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        // The parent is the last j with starts[j] <= split (empty parents share a start).
        var low = 0, high = parents.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if starts[mid] <= split { low = mid } else { high = mid }
        }
        return try await parents[low].iterator(split - starts[low], task)
    }
}
