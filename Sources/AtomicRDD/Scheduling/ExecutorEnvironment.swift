import Synchronization

/// Everything a task running on one executor uses: the executor's memory
/// budget, block manager, shuffle manager, broadcast cache, task threads and
/// scratch folder.
final class ExecutorEnvironment: Sendable {
    /// The executor's id ("driver" in local mode).
    let executorId: String
    let memory: MemoryBudget
    let blockManager: BlockManager
    let shuffleManager: ShuffleManager
    let broadcasts: BroadcastCache
    /// The driver's accumulators, on the driver's own executor (nil on a worker).
    let accumulators: AccumulatorRegistry?
    /// Where ``BroadcastHandle``s find encoded values: the driver's own table,
    /// or on a worker a (blocking) fetch from the driver.
    let broadcastSource: (@Sendable (Int) throws -> [UInt8])?
    let threads: TaskThreadPool
    let scratch: ScratchSpace
    /// Spills to disk made by the tasks that ended on this executor (shuffle
    /// writers, aggregations, sorts), added up when each task ends.
    let spillCount = Atomic<Int>(0)

    init(executorId: String, cores: Int, memory: Int, scratch: ScratchSpace, accumulators: AccumulatorRegistry? = nil,
         broadcastSource: (@Sendable (Int) throws -> [UInt8])? = nil) {
        self.executorId = executorId
        self.accumulators = accumulators
        self.broadcastSource = broadcastSource
        self.memory = MemoryBudget(capacity: memory)
        self.blockManager = BlockManager(executorId: executorId, budget: self.memory)
        self.shuffleManager = ShuffleManager(executorId: executorId, budget: self.memory)
        self.broadcasts = BroadcastCache()
        self.threads = TaskThreadPool(threads: cores, name: "atomic-\(executorId)")
        self.scratch = scratch
    }
}

/// What a task does.
enum TaskWork: Sendable {
    /// Writes the map output of this shuffle for the task's partition.
    case shuffleMap(ShuffleDependencyBase)
    /// Computes the job's value for the task's partition.
    case result(@Sendable (TaskContext) async throws -> any Sendable)
}

/// A task ready to run: what, for which job, and the job's cancellation flag.
struct TaskLaunch: Sendable {
    let spec: TaskSpec
    let work: TaskWork
    let cancellation: CancellationFlag
    /// What a worker needs to run the task (multi-process cluster only).
    var remote: RemoteJob? = nil
    /// The cached partitions the task reads (or caches) first: where it would rather run.
    var cacheKeys: [BlockId] = []
}

/// Runs tasks on task slots. ``TaskScheduler`` is the real one; scheduler
/// tests give the ``DAGScheduler`` a fake that completes tasks by hand.
protocol TaskBackend: Sendable {
    /// Queues tasks to run.
    func submit(_ launches: [TaskLaunch]) async
    /// Drops queued tasks of a job (running ones see its cancellation flag).
    func cancelJob(_ jobId: Int) async
    /// True when placement prefers the node caching a task's input, so
    /// launches must name their cached partitions (``TaskLaunch/cacheKeys``).
    var placesByCachedInput: Bool { get }
}

extension TaskBackend {
    /// One node holds every cached block: nothing to prefer.
    var placesByCachedInput: Bool { false }
}
