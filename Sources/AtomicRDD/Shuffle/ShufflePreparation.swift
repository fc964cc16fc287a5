/// A partitioner that must see the data before it can place keys: the sampled
/// range partitioner of `sortByKey`, whose bounds come from a sampling job.
///
/// Transformations are synchronous and jobs are async, so such a partitioner
/// is made unprepared; ``Context/prepareShuffles(of:)`` prepares it on the
/// driver before the first job whose lineage shuffles through it.
protocol PreparablePartitioner: Partitioner {
    /// True once ``prepare()`` has succeeded; it stays true.
    var isPrepared: Bool { get }
    /// Computes what the partitioner needs (running jobs if it must). Calling it
    /// again once prepared does nothing; a failure leaves it unprepared.
    func prepare() async throws
}

extension Context {
    /// Prepares every unprepared partitioner that a shuffle in `rdd`'s lineage
    /// uses, so that no map task runs before its partitioner can place keys.
    ///
    /// Called by `runJob` before it submits a job. Preparing runs a job of its
    /// own over the shuffle's parent, which prepares that lineage in turn, so the
    /// walk does not look below an unprepared shuffle.
    ///
    /// - Throws: what the preparing jobs throw.
    func prepareShuffles(of rdd: AnyRDD) async throws {
        var unprepared: [any PreparablePartitioner] = []
        var visited: Set<Int> = []
        var stack = [rdd]
        while let node = stack.popLast() {
            guard visited.insert(node.id).inserted else { continue }
            for dependency in node.dependencies {
                if let shuffle = dependency as? ShuffleDependencyBase,
                   let partitioner = shuffle.partitioner as? any PreparablePartitioner, !partitioner.isPrepared {
                    unprepared.append(partitioner)
                } else {
                    stack.append(dependency.parent)
                }
            }
        }
        for partitioner in unprepared { try await partitioner.prepare() }
    }
}
