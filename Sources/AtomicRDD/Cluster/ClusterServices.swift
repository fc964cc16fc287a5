import AtomicActors

/// The driver's service for workers, at ``WellKnownPath/atomicDriver``: a worker
/// registers here, and is refused when its function registry differs.
distributed actor DriverService {
    typealias ActorSystem = ClusterSystem
    private let backend: ClusterBackend
    private let fingerprint: UInt64
    private let expected: [String]?
    private let broadcasts: BroadcastValues

    init(actorSystem: ClusterSystem, backend: ClusterBackend, fingerprint: UInt64, expected: [String]?, broadcasts: BroadcastValues) {
        self.actorSystem = actorSystem
        self.backend = backend
        self.fingerprint = fingerprint
        self.expected = expected
        self.broadcasts = broadcasts
    }

    /// The encoded value of a broadcast, for a worker's first use of it.
    distributed func broadcastValue(_ id: Int) throws -> [UInt8] {
        try broadcasts.bytes(of: id)
    }

    /// Adds a worker with its cores and memory.
    ///
    /// - Throws: ``EngineError/workerFailed(worker:reason:)`` when the worker was
    ///   built from other code (its registry fingerprint differs).
    distributed func register(_ registration: WorkerRegistration) async throws {
        guard registration.fingerprint == fingerprint else {
            throw EngineError.workerFailed(
                worker: "\(registration.node)",
                reason: "refused: its function registry (fingerprint \(registration.fingerprint)) differs from the driver's "
                    + "(\(fingerprint)); driver and workers must run the same build")
        }
        if let expected, !expected.contains("\(registration.node.endpoint)") {
            throw EngineError.workerFailed(worker: "\(registration.node)",
                                           reason: "refused: not one of the workers this driver expects (\(expected.joined(separator: ",")))")
        }
        try await backend.addWorker(registration)
    }
}

/// A worker's service for the driver and the other workers, at
/// ``WellKnownPath/atomicWorker``: runs shipped tasks, says where its shuffle buckets are served.
distributed actor WorkerService {
    typealias ActorSystem = ClusterSystem
    private let runtime: WorkerRuntime

    init(actorSystem: ClusterSystem, runtime: WorkerRuntime) {
        self.actorSystem = actorSystem
        self.runtime = runtime
    }

    /// Runs a task to its end; the reply is an encoded ``TaskReply`` (a struct
    /// returned as such was left out of release links by the optimizer).
    distributed func runTask(_ task: TaskDescriptor) async -> [UInt8] {
        await runtime.run(task).wireBytes()
    }

    /// Where this worker's ``BlockServer`` listens, as an encoded `Endpoint`:
    /// reducers on other workers fetch shuffle buckets from there.
    distributed func blockEndpoint() -> [UInt8] { runtime.blockServer.endpoint.wireBytes() }

    /// Shuffle fetches from other workers so far, as an encoded ``FetchFigures``.
    distributed func fetchStatistics() -> [UInt8] { runtime.fetchStatistics.figures.wireBytes() }

    /// This worker's executor figures (see ``ExecutorFigures``), encoded: spills
    /// made by its tasks, memory in use, broadcast values materialized, cached
    /// blocks and evictions, shuffle outputs held, scratch files.
    distributed func executorFigures() async -> [UInt8] {
        await ExecutorFigures(of: runtime.context.environment).wireBytes()
    }

    /// Stops the running tasks of a cancelled or failed job, and any of its
    /// tasks that arrive later.
    distributed func cancelJob(_ jobId: Int) {
        runtime.cancel(jobId: jobId)
    }

    /// Drops a broadcast value materialized here (the driver unpersisted it).
    distributed func removeBroadcast(_ id: Int) {
        runtime.context.environment.broadcasts.remove(id)
    }

    /// Drops the cached partitions of an RDD held here.
    distributed func removeBlocks(rddId: Int) async {
        _ = await runtime.context.environment.blockManager.remove(rddId: rddId)
    }

    /// A piece of a result kept as a block (see ``TaskReport/resultBlock(token:size:)``).
    distributed func fetchResult(token: Int, offset: Int, length: Int) throws -> [UInt8] {
        try runtime.resultChunk(token: token, offset: offset, length: length)
    }

    /// Deletes a shuffle's outputs held here.
    distributed func removeShuffle(_ shuffleId: Int) async {
        await runtime.context.environment.shuffleManager.remove(shuffleId: shuffleId)
    }
}
