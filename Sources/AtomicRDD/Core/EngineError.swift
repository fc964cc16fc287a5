/// What went wrong inside the engine, with where it happened.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// The scratch folder could not be made.
    case scratchUnavailable(path: String, reason: String)
    /// A spill, shuffle or disk-block file could not be written or read.
    case spillFailed(path: String, reason: String)
    /// A file the engine wrote earlier no longer decodes.
    case corruptFile(path: String, reason: String)
    /// The Context was stopped; it runs no more jobs.
    case contextStopped
    /// A map output a reducer needs is gone (its executor was lost); the parent stage reruns.
    case fetchFailed(shuffleId: Int, mapIndex: Int, reduceIndex: Int)
    /// An action that needs at least one element ran on an empty RDD.
    case emptyRDD(operation: String)
    /// `saveAsTextFile` was given a path that exists, without `overwrite`.
    case outputExists(path: String)
    /// The output of a job could not be written or committed.
    case outputFailed(path: String, reason: String)
    /// A `pipe` command exited with a failure.
    case commandFailed(command: String, status: Int32, stderrTail: String)
    /// An operator was given an argument it cannot use.
    case invalidArgument(operation: String, reason: String)
    /// `zip` found partitions of different lengths.
    case zipMismatch(partition: Int)
    /// A job that runs a closure (or an operator cluster mode cannot ship yet) was
    /// submitted to a multi-process cluster; `operator` names the first such RDD.
    case notShippable(operator: String, rddId: Int, reason: String)
    /// A worker could not rebuild a shipped lineage.
    case lineageNotRebuilt(operator: String, reason: String)
    /// A worker was refused by the driver, or lost.
    case workerFailed(worker: String, reason: String)
    /// No worker is left to run the job's tasks.
    case noWorkers(reason: String)
    /// A checkpoint file cannot be read where the task runs (on a multi-process
    /// cluster the checkpoint folder must be shared by the driver and every worker).
    case checkpointUnreadable(path: String, reason: String)

    /// A sentence saying what happened.
    public var description: String {
        switch self {
        case let .scratchUnavailable(path, reason): "cannot create scratch folder \(path): \(reason)"
        case let .spillFailed(path, reason): "spill file \(path): \(reason)"
        case let .corruptFile(path, reason): "corrupt file \(path): \(reason)"
        case .contextStopped: "the Context was stopped"
        case let .fetchFailed(shuffle, map, reduce): "shuffle \(shuffle): output of map \(map) for reduce \(reduce) is gone"
        case let .emptyRDD(operation): "\(operation) of an empty RDD"
        case let .outputExists(path): "output path \(path) exists (pass overwrite: true to replace it)"
        case let .outputFailed(path, reason): "cannot write output \(path): \(reason)"
        case let .commandFailed(command, status, tail): "command '\(command)' exited with status \(status): \(tail)"
        case let .invalidArgument(operation, reason): "\(operation): \(reason)"
        case let .zipMismatch(partition): "zip: partition \(partition) has different lengths on the two sides"
        case let .notShippable(op, id, reason): "RDD #\(id) '\(op)' cannot run on a multi-process cluster: \(reason)"
        case let .lineageNotRebuilt(op, reason): "the worker cannot rebuild '\(op)': \(reason)"
        case let .workerFailed(worker, reason): "worker \(worker): \(reason)"
        case let .noWorkers(reason): "no worker can run the job: \(reason)"
        case let .checkpointUnreadable(path, reason): "cannot read checkpoint file \(path): \(reason)"
        }
    }
}

/// A job failed because one task kept failing.
public struct JobFailedError: Error, Sendable, CustomStringConvertible {
    /// The job's id.
    public let jobId: Int
    /// The stage of the failing task.
    public let stageId: Int
    /// The partition the failing task computes.
    public let partition: Int
    /// How many times the task ran.
    public let attempts: Int
    /// The error of the last attempt.
    public let underlying: any Error

    /// A sentence naming the stage, partition, attempts and the original error.
    public var description: String {
        "job \(jobId) failed: task for partition \(partition) of stage \(stageId) failed \(attempts) times; last error: \(underlying)"
    }
}
