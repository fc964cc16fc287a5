import Synchronization

/// A task's start or end, as ``Context/taskEvents()`` reports them (Spark's
/// `SparkListener.onTaskStart` and `onTaskEnd`).
public enum TaskEvent: Sendable {
    /// The scheduler launched the task on an executor (in local mode, on a
    /// task slot; on a cluster, sent to a worker).
    case started(TaskInfo)
    /// The task ended: `succeeded` is false when it failed, was cancelled, or
    /// its worker was lost.
    case ended(TaskInfo, succeeded: Bool)

    /// The task the event is about.
    public var task: TaskInfo {
        switch self {
        case .started(let task), .ended(let task, _): task
        }
    }
}

/// Which task a ``TaskEvent`` is about, and where it runs.
public struct TaskInfo: Sendable, Hashable {
    /// The job the task was launched for (the first, when jobs share its stage).
    public let jobId: Int
    /// The task's stage.
    public let stageId: Int
    /// The partition the task computes.
    public let partition: Int
    /// 0 for the first run of this partition in its stage, then 1, 2…
    public let attempt: Int
    /// A number unique to this run within its Context (see ``TaskContext/taskAttemptId``).
    public let taskAttemptId: Int
    /// The executor running it: "driver" in local mode, the worker's address on a cluster.
    public let executorId: String

    init(_ spec: TaskSpec, executorId: String) {
        jobId = spec.jobId
        stageId = spec.stageId
        partition = spec.partition
        attempt = spec.attempt
        taskAttemptId = spec.taskId
        self.executorId = executorId
    }
}

/// Hands task events to every stream that ``Context/taskEvents()`` made; lives
/// on the driver, posted to by the task backends.
final class TaskEventBus: Sendable {
    private let streams = Mutex<(next: Int, continuations: [Int: AsyncStream<TaskEvent>.Continuation])>((0, [:]))

    /// A stream of the events from now on, until the stream is dropped.
    func stream() -> AsyncStream<TaskEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TaskEvent.self)
        let id = streams.withLock { state in
            state.next += 1
            state.continuations[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.streams.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers `event` to every stream.
    func post(_ event: TaskEvent) {
        let continuations = streams.withLock { $0.continuations.isEmpty ? [] : Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(event) }
    }

    /// Ends every stream (the Context stopped).
    func finish() {
        let continuations = streams.withLock { state in
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}

extension Context {
    /// Every task start and end from now on, as they happen: like a Spark
    /// listener's task events, to follow a job's progress or act once a job
    /// is running. The stream ends when the Context stops; drop it to stop
    /// listening. Events wait in the stream until read.
    ///
    /// ```swift
    /// let events = sc.taskEvents()
    /// let job = Task { try await rdd.count() }
    /// for await case .started(let task) in events {
    ///     print("job \(task.jobId) is running on \(task.executorId)")
    ///     job.cancel()
    ///     break
    /// }
    /// ```
    public func taskEvents() -> AsyncStream<TaskEvent> { dagScheduler.events.stream() }
}
