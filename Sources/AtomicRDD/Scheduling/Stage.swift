/// A set of tasks that run the same fused pipeline on different partitions.
///
/// A shuffle-map stage ends at a shuffle and writes map outputs; a result stage
/// ends at an action and returns values to the driver.
struct Stage: Sendable {
    enum Kind: Sendable {
        /// Writes the map outputs of this shuffle.
        case shuffleMap(shuffleId: Int)
        /// Computes the job's result for these partitions.
        case result(jobId: Int)
    }

    let id: Int
    let kind: Kind
    /// The RDD whose partitions the tasks compute.
    let rdd: AnyRDD
    /// Stages whose shuffle outputs this one reads.
    let parents: [Int]
    /// The shuffle a shuffle-map stage writes.
    var shuffle: ShuffleDependencyBase? = nil
    /// Incremented each time the stage is resubmitted after lost map outputs.
    var attempt = 0
    /// Jobs that need this stage.
    var jobs: Set<Int> = []

    var shuffleId: Int? {
        if case .shuffleMap(let id) = kind { return id }
        return nil
    }
}

/// One task to launch.
struct TaskSpec: Sendable, Hashable, CustomStringConvertible {
    /// Unique within the Context.
    let taskId: Int
    let jobId: Int
    let stageId: Int
    let stageAttempt: Int
    /// The partition of the stage's RDD the task computes.
    let partition: Int
    /// 0 for the first run of this partition in this stage, then 1, 2…
    let attempt: Int
    /// For result tasks: the index of this partition in the job's output.
    let outputIndex: Int?

    var description: String { "task \(taskId) (stage \(stageId).\(stageAttempt), partition \(partition), attempt \(attempt))" }
}
