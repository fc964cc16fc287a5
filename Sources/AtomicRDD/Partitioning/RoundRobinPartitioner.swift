/// Sends key `i` to partition `i`: the keys of `repartition`'s shuffle are
/// already partition numbers, dealt round-robin by each map task.
struct RoundRobinPartitioner: Partitioner {
    /// How many partitions the keys are dealt over.
    let partitionCount: Int

    /// A partitioner over `partitions` partitions (at least one).
    init(partitions: Int) { partitionCount = max(1, partitions) }

    /// False: nothing else places keys by their value alone.
    func isEquivalent(to other: any Partitioner) -> Bool { false }

    /// "RoundRobinPartitioner(n)".
    var description: String { "RoundRobinPartitioner(\(partitionCount))" }
}
