import Foundation
import Synchronization

/// What a running task knows about itself: its stage, partition and attempt,
/// whether its job was cancelled, and the accumulator updates it has made.
///
/// Inside a task, ``TaskContext/current`` gives the context of the task that the
/// calling thread is running, so accumulators and broadcasts find it without
/// being passed it.
public final class TaskContext: @unchecked Sendable {
    /// The stage this task belongs to.
    public let stageId: Int
    /// The partition this task computes.
    public let partition: Int
    /// 0 for the first attempt, 1 for the first retry, and so on.
    public let attempt: Int
    /// A number unique to this attempt within its Context.
    public let taskAttemptId: Int
    let environment: ExecutorEnvironment
    let cancellation: CancellationFlag
    /// Where a worker's task reads shuffle outputs held by other nodes (nil in local mode).
    let shuffleSource: ShuffleSource?
    /// On a worker: the encoded `parallelize` partitions the task brought, by RDD id and partition.
    let shippedSlices: [Int: [Int: [UInt8]]]
    // Accessed only by the thread running the task (one at a time, handed off
    // through `await`), so no lock is needed.
    var accumulatorUpdates: [Int: any AccumulatorUpdate] = [:]
    var metrics = TaskMetrics()
    // Registered from concurrent child tasks too (a join fetches its two sides
    // at once, and each fetch registers its reads), so behind a lock.
    private let completionLock = NSLock()
    private var completionHandlers: [() -> Void] = []

    init(stageId: Int, partition: Int, attempt: Int, taskAttemptId: Int,
         environment: ExecutorEnvironment, cancellation: CancellationFlag, shuffleSource: ShuffleSource? = nil,
         shippedSlices: [Int: [Int: [UInt8]]] = [:]) {
        self.shuffleSource = shuffleSource
        self.shippedSlices = shippedSlices
        self.stageId = stageId
        self.partition = partition
        self.attempt = attempt
        self.taskAttemptId = taskAttemptId
        self.environment = environment
        self.cancellation = cancellation
    }

    /// The executor running this task: "driver" in local mode, the worker's
    /// address on a cluster (as ``TaskInfo/executorId`` names it).
    public var executorId: String { environment.executorId }

    /// True once the task's job was cancelled or failed.
    public var isCancelled: Bool { cancellation.isSet }

    /// Throws `CancellationError` if the job was cancelled.
    public func checkCancelled() throws {
        if cancellation.isSet { throw CancellationError() }
    }

    /// Runs `handler` when the task ends, whether it succeeded or not (to free
    /// memory or delete files it holds).
    func onCompletion(_ handler: @escaping () -> Void) {
        completionLock.lock()
        defer { completionLock.unlock() }
        completionHandlers.append(handler)
    }

    func runCompletionHandlers() {
        completionLock.lock()
        let handlers = completionHandlers
        completionHandlers = []
        completionLock.unlock()
        for handler in handlers.reversed() { handler() }
    }

    /// The context of the task that the calling thread runs, if any.
    public static var current: TaskContext? {
        if let context = TaskThread.currentTask { return context }
        return asyncCurrent
    }

    @TaskLocal static var asyncCurrent: TaskContext?
}

/// Per-task measurements, reported with the task's result.
struct TaskMetrics: Sendable {
    var recordsRead = 0
    var spilledBytes = 0
    var spillCount = 0
}

/// A flag set once when a job is cancelled; cheap to poll from record loops.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
