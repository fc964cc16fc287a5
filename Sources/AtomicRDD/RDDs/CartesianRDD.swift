/// Every pair of an element of one RDD with an element of another: `cartesian`.
///
/// Partition `i * n + j` (for `n` partitions on the right) pairs partition `i`
/// of the left with partition `j` of the right, in one task: both are narrow
/// dependencies. The task holds the right partition in an array while it walks
/// the left one, so the right side should be the smaller.
final class CartesianRDD<Left: Sendable, Right: Sendable>: RDD<(Left, Right)>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let left: RDD<Left>
    private let right: RDD<Right>

    init(left: RDD<Left>, right: RDD<Right>) {
        self.left = left
        self.right = right
        let columns = right.partitionCount
        super.init(context: left.context, partitionCount: left.partitionCount * columns,
                   dependencies: [NarrowDependency(parent: left) { [$0 / columns] },
                                  NarrowDependency(parent: right) { [$0 % columns] }],
                   operatorName: "cartesian")
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<(Left, Right)> {
        let columns = right.partitionCount
        var outer = try await left.iterator(split / columns, task)
        var unread: Records<Right>? = try await right.iterator(split % columns, task)
        var inner: [Right] = []
        var current: Left?
        var index = 0
        return Records {
            if var records = unread {
                inner = try records.collect()
                unread = nil
            }
            while true {
                if let element = current, index < inner.count {
                    defer { index += 1 }
                    return (element, inner[index])
                }
                guard !inner.isEmpty, let next = try outer.next() else { return nil }
                current = next
                index = 0
            }
        }
    }
}
