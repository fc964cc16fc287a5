import Foundation

/// How a ``Context`` runs its jobs: where executors live, how many cores and how
/// much memory they have, and where scratch files go.
///
/// ```swift
/// let sc = try await Context(config: .local(cores: 2, memory: 256 << 20))
/// ```
public struct Config: Sendable {
    /// The application's name, shown in logs and the debug string.
    public var appName: String
    /// Task slots: the number of tasks run at once.
    public var cores: Int
    /// The executor's memory budget in bytes, shared by cached blocks and shuffle buffers.
    public var executorMemory: Int
    /// The folder under which each Context makes its own scratch folder for spills,
    /// shuffle files and disk blocks. Removed at `stop()`.
    public var scratchDirectory: String
    /// Where `checkpoint()` writes partitions; nil uses a folder in the driver's
    /// scratch folder. The tasks that write the files run on the workers, and
    /// later tasks read them there: on a multi-process cluster this folder must
    /// be reachable by the driver and every worker at the same path (a shared
    /// folder, as for Spark's `setCheckpointDir`; on a local cluster of worker
    /// processes any folder of the machine, the default included).
    public var checkpointDirectory: String?
    /// How many times one task may fail before its job fails (Spark's `spark.task.maxFailures`).
    public var maxTaskFailures: Int
    /// The default partition count of `parallelize` and `range` when none is given.
    public var defaultParallelism: Int
    /// The registered functions the application declares (the same list in the
    /// driver and every worker), so lineage can name them.
    public var registry: FunctionRegistry = .empty
    /// Where tasks run: this process, worker processes it starts, or workers started by hand.
    public var deployment: Deployment = .local
    /// The binary worker processes run (`--worker …`): this executable by default.
    public var workerExecutable: String?
    /// A file holding the cluster secret that driver and workers share.
    public var secretFile: String?
    /// The addresses (HOST:PORT) of the workers a cluster expects; others are
    /// refused at registration. Nil accepts any worker.
    public var expectedWorkers: [String]?
    /// On a cluster: launch a copy of a task that runs much longer than its
    /// stage's finished tasks on another worker; the first to finish wins.
    public var speculation = false
    /// On a cluster: a worker on which this many tasks of a job failed runs no
    /// more tasks of that job. Nil (the default, as in Spark) excludes no worker:
    /// a task that fails for its own reasons fails on any worker.
    public var maxFailuresPerWorker: Int?
    /// On a worker: the operators compiled for concrete element types (see ``OperatorSpecializations``).
    public var specializations: OperatorSpecializations = .standard
    /// On a cluster: the timeout of the driver's control calls (registration,
    /// shuffle clean-up). Task calls have none: a task may run for hours, and a
    /// lost worker is noticed by its connection and heartbeats.
    public var controlCallTimeout: Duration = .seconds(10)
    /// On a cluster: task results larger than this (bytes) stay on the worker as
    /// a block that the driver fetches in pieces, instead of riding in the reply.
    public var resultInlineLimit = 1 << 20
    /// On a cluster: the most bytes of remote shuffle buckets (as estimated from
    /// their map tasks' reports) one reducer requests at once; a bucket larger
    /// than this is still fetched, alone. Spark's `spark.reducer.maxSizeInFlight`.
    public var maxBytesInFlight = 48 << 20
    /// How long the driver waits for its workers to register.
    public var workerStartTimeout: Duration = .seconds(30)
    /// In local-cluster mode: the bytes of heap each worker process warms as
    /// it starts, before it registers, and frees for its tasks as its first
    /// task starts (the worker's `--warm-reserve`). Nil leaves the worker's
    /// default, the smaller of 64 MiB and half of `memoryPerWorker`; 0 warms
    /// none. At most `memoryPerWorker`.
    public var workerWarmReserve: Int?

    /// Where a Context's tasks run.
    public enum Deployment: Sendable, Equatable {
        /// In this process, on `cores` task threads.
        case local
        /// On worker processes of the same executable that the Context starts on
        /// loopback and stops with itself (Spark's local-cluster mode).
        case localCluster(workers: Int, coresPerWorker: Int, memoryPerWorker: Int)
        /// On workers started by hand (`--worker --driver HOST:PORT …`) that
        /// register with the driver listening on `listen`; the Context waits for `workers` of them.
        case cluster(listen: String, workers: Int)
        /// On worker nodes inside this process, each with its own executor
        /// (memory budget, block and shuffle managers, task threads), joined to
        /// the driver over loopback TCP like any cluster. Tasks are handed to
        /// them by reference, so jobs with closures run too: a placement for
        /// testing the cluster's scheduling, shuffle fetches and recovery.
        case inProcessCluster(workers: Int, coresPerWorker: Int, memoryPerWorker: Int)
    }

    /// An in-process cluster: `workers` worker nodes in this process, each with
    /// `coresPerWorker` task slots and `memoryPerWorker` bytes (see
    /// ``Deployment/inProcessCluster(workers:coresPerWorker:memoryPerWorker:)``).
    public static func inProcessCluster(workers: Int, coresPerWorker: Int = 1, memoryPerWorker: Int = 512 << 20,
                                        appName: String = "atomic") -> Config {
        placing(workers, coresEach: coresPerWorker, memoryEach: memoryPerWorker, appName: appName, in: Deployment.inProcessCluster)
    }

    /// A local cluster: `workers` worker processes of this executable on
    /// loopback, each with `coresPerWorker` task slots and `memoryPerWorker` bytes.
    public static func localCluster(workers: Int, coresPerWorker: Int = 1, memoryPerWorker: Int = 512 << 20,
                                    appName: String = "atomic") -> Config {
        placing(workers, coresEach: coresPerWorker, memoryEach: memoryPerWorker, appName: appName, in: Deployment.localCluster)
    }

    /// A configuration of `workers` workers placed by `deployment`, with as many task slots in all as they have.
    private static func placing(_ workers: Int, coresEach: Int, memoryEach: Int, appName: String,
                                in deployment: (Int, Int, Int) -> Deployment) -> Config {
        let workers = max(1, workers), cores = max(1, coresEach)
        var config = Config.local(cores: workers * cores, memory: memoryEach, appName: appName)
        config.deployment = deployment(workers, cores, memoryEach)
        return config
    }

    /// A cluster of workers started by hand: the driver listens on `listen`
    /// (HOST:PORT) and waits until `workers` workers with `coresPerWorker` each have registered.
    public static func cluster(listen: String, workers: Int, coresPerWorker: Int = 1, appName: String = "atomic") -> Config {
        var config = Config.local(cores: max(1, workers) * max(1, coresPerWorker), appName: appName)
        config.deployment = .cluster(listen: listen, workers: max(1, workers))
        return config
    }

    /// The same configuration running its workers from `path`.
    public func workerExecutable(_ path: String) -> Config { var c = self; c.workerExecutable = path; return c }
    /// The same configuration with the cluster secret read from `path`.
    public func secretFile(_ path: String) -> Config { var c = self; c.secretFile = path; return c }
    /// The same configuration with local-cluster workers warming `bytes` of
    /// heap as they start (``workerWarmReserve``; nil: the workers' default).
    public func workerWarmReserve(_ bytes: Int?) -> Config { var c = self; c.workerWarmReserve = bytes; return c }

    /// Local mode: the whole engine in this process, with `cores` task slots
    /// (default: every core) and a memory budget (default: 1 GiB).
    public static func local(cores: Int? = nil, memory: Int = 1 << 30, appName: String = "atomic") -> Config {
        let slots = max(1, cores ?? ProcessInfo.processInfo.activeProcessorCount)
        return Config(appName: appName, cores: slots, executorMemory: memory,
                      scratchDirectory: NSTemporaryDirectory(), checkpointDirectory: nil,
                      maxTaskFailures: 4, defaultParallelism: slots)
    }

    /// Sets the memory budget.
    public func memory(_ bytes: Int) -> Config { var c = self; c.executorMemory = bytes; return c }
    /// Sets the scratch folder.
    public func scratch(_ path: String) -> Config { var c = self; c.scratchDirectory = path; return c }
    /// Sets the registered functions.
    public func registering(_ registry: FunctionRegistry) -> Config { var c = self; c.registry = registry; return c }
    /// Sets the number of task attempts allowed per task.
    public func maxTaskFailures(_ n: Int) -> Config { var c = self; c.maxTaskFailures = max(1, n); return c }
}
