import AtomicTransport
import AtomicActors
import Foundation
import Synchronization

/// The driver's side of a multi-process cluster: its cluster node, the service
/// workers register with, the task backend, and (in local-cluster mode) the
/// worker processes it started, which it stops with the Context.
final class ClusterDriver: Sendable {
    let system: ClusterSystem
    let backend: ClusterBackend
    private let service: DriverService
    private let expectedWorkers: Int
    private let timeout: Duration
    private let children: Mutex<[WorkerProcess]>
    /// On an in-process cluster: the worker nodes living in this process.
    private let inProcessWorkers = Mutex<[WorkerNode]>([])
    private let watcher: Task<Void, Never>

    private init(system: ClusterSystem, backend: ClusterBackend, service: DriverService, expectedWorkers: Int,
                 timeout: Duration, watcher: Task<Void, Never>) {
        self.system = system
        self.backend = backend
        self.service = service
        self.expectedWorkers = expectedWorkers
        self.timeout = timeout
        self.children = Mutex([])
        self.watcher = watcher
    }

    /// Starts the driver's node and, in local-cluster mode, the worker processes.
    static func start(config: Config, accumulators: AccumulatorRegistry, broadcasts: BroadcastValues) async throws -> ClusterDriver {
        var settings = ClusterSettings()
        settings.callTimeout = config.controlCallTimeout
        if let secretFile = config.secretFile { settings.transport.secret = try ClusterSecret(contentsOfFile: secretFile) }
        let listen: Endpoint, expected: Int
        var handoff: InProcessHandoff?
        switch config.deployment {
        case .local:
            preconditionFailure("Internal inconsistency: a local Context has no cluster")
        case let .localCluster(workers, _, memory):
            // A worker's memory is at least 1 byte (`WorkerProcess`).
            if let reserve = config.workerWarmReserve, !(0...max(1, memory)).contains(reserve) {
                throw EngineError.invalidArgument(operation: "Config.workerWarmReserve",
                                                  reason: "\(reserve) bytes is not within 0...\(max(1, memory)), the worker's memory")
            }
            listen = Endpoint(host: "127.0.0.1", port: 0)
            expected = workers
        case let .inProcessCluster(workers, _, _):
            listen = Endpoint(host: "127.0.0.1", port: 0)
            expected = workers
            handoff = InProcessHandoff()
            // Nodes in one process are never lost on their own: a busy machine
            // must not make the driver give up on them.
            settings.unreachableAfter = .seconds(60)
            settings.downAfter = .seconds(120)
        case let .cluster(address, workers):
            guard let endpoint = Endpoint(parsing: address) else {
                throw EngineError.invalidArgument(operation: "Config.cluster", reason: "'\(address)' is not HOST:PORT")
            }
            listen = endpoint
            expected = workers
        }
        let system = try await ClusterSystem.start(transport: try TCPTransport(configuration: settings.transport),
                                                   listenOn: listen, settings: settings)
        var tracking = TaskSetTracker.Settings()
        tracking.speculation = config.speculation
        tracking.maxFailuresPerWorker = config.maxFailuresPerWorker.map { max(1, $0) } ?? .max
        let backend = ClusterBackend(system: system, settings: tracking, accumulators: accumulators,
                                     resultInlineLimit: max(1, config.resultInlineLimit),
                                     maxBytesInFlight: max(1, config.maxBytesInFlight), handoff: handoff)
        let service = system.withPath(WellKnownPath.atomicDriver) {
            DriverService(actorSystem: system, backend: backend, fingerprint: config.registry.fingerprint,
                          expected: config.expectedWorkers, broadcasts: broadcasts)
        }
        let events = system.membershipEvents()
        let watcher = Task {
            for await event in events {
                switch event {
                case .down(let node), .unreachable(let node): await backend.workerLost(node, reason: "\(event)")
                case .up, .reachable: break
                }
            }
        }
        let driver = ClusterDriver(system: system, backend: backend, service: service, expectedWorkers: expected,
                                   timeout: config.workerStartTimeout, watcher: watcher)
        if case let .localCluster(workers, cores, memory) = config.deployment {
            do {
                for _ in 0..<workers {
                    let child = try WorkerProcess.launch(executable: config.workerExecutable, driver: system.identity.endpoint,
                                                         cores: cores, memory: memory, warmReserve: config.workerWarmReserve,
                                                         secretFile: config.secretFile) { status, stderr in
                        Task { await backend.workerProcessExited(status: status, stderr: stderr) }
                    }
                    driver.children.withLock { $0.append(child) }
                }
            } catch {
                await driver.stop()
                throw error
            }
        }
        if case let .inProcessCluster(workers, cores, memory) = config.deployment, let handoff {
            do {
                for _ in 0..<workers {
                    let node = try await ClusterSystem.start(transport: try TCPTransport(configuration: settings.transport),
                                                             listenOn: Endpoint(host: "127.0.0.1", port: 0),
                                                             seed: system.identity.endpoint, settings: settings)
                    let worker = try await WorkerNode.register(system: node, driver: system.identity.endpoint, cores: cores,
                                                               memory: memory, registry: config.registry,
                                                               specializations: config.specializations,
                                                               processId: ProcessInfo.processInfo.processIdentifier, handoff: handoff)
                    driver.inProcessWorkers.withLock { $0.append(worker) }
                }
            } catch {
                await driver.stop()
                throw error
            }
        }
        return driver
    }

    /// True on an in-process cluster: tasks travel by reference, closures and all.
    var handsOffTasks: Bool { backend.handsOffTasks }

    /// Tasks handed to in-process workers whose outcome was not taken back yet.
    var pendingHandoffs: Int { backend.pendingHandoffs }

    /// The executors of the worker nodes in this process (an in-process cluster's), in the order they registered.
    var inProcessEnvironments: [ExecutorEnvironment] { inProcessWorkers.withLock { $0.map(\.context.environment) } }

    /// The runtimes of the workers started in this process.
    var inProcessRuntimes: [WorkerRuntime] { inProcessWorkers.withLock { $0.map(\.runtime) } }

    /// The process ids of the workers this driver started (for tests that kill one).
    var workerProcessIds: [Int32] { children.withLock { $0.map(\.pid) } }

    /// The driver's address, which workers are given.
    var endpoint: Endpoint { system.identity.endpoint }

    /// Returns once every expected worker has registered.
    ///
    /// - Throws: ``EngineError/workerFailed(worker:reason:)`` when a worker
    ///   process exits first, or ``EngineError/noWorkers(reason:)`` on timeout.
    func waitForWorkers() async throws {
        try await backend.waitForWorkers(expectedWorkers, timeout: timeout)
    }

    /// Stops the worker processes and the driver's node.
    func stop() async {
        watcher.cancel()
        await backend.stop()
        let children = self.children.withLock { children in
            defer { children = [] }
            return children
        }
        for child in children { await child.stop() }
        let nodes = inProcessWorkers.withLock { nodes in
            defer { nodes = [] }
            return nodes
        }
        for node in nodes { await node.stop() }
        await system.shutdown()
    }
}

extension Context {
    /// On a cluster: the shuffle bytes workers fetched from each other so far,
    /// the time those fetches took and their number; nil in local mode.
    public func clusterFetchStatistics() async -> FetchFigures? {
        guard let cluster else { return nil }
        return await cluster.backend.fetchStatistics()
    }

    /// The number of workers of a multi-process cluster (0 in local mode).
    public func clusterWorkerCount() async -> Int {
        await cluster?.backend.workerNodes.count ?? 0
    }
}

/// Shuffle fetches between the workers of a cluster, added up over reducers.
public struct FetchFigures: Sendable, WireCodable {
    /// Bytes of the buckets fetched from other workers.
    public var bytes = 0
    /// Seconds during which a worker had a fetch in progress (from a reducer's
    /// first request until it holds every bucket, split into its pieces;
    /// overlapping fetches counted once), summed over workers. The records are
    /// decoded after, as the reducer reads them, as Spark's are.
    public var seconds = 0.0
    /// The same periods up to the last bucket's bytes received in each, summed
    /// over workers: the transfer alone.
    public var receivedSeconds = 0.0
    /// The number of buckets fetched.
    public var fetches = 0

    /// No fetches.
    public init() {}

    /// Adds another worker's figures to these.
    mutating func add(_ other: FetchFigures) {
        bytes += other.bytes
        seconds += other.seconds
        receivedSeconds += other.receivedSeconds
        fetches += other.fetches
    }

    /// Writes the four figures.
    public func encode(to writer: inout WireWriter) {
        writer.write(bytes)
        writer.write(seconds)
        writer.write(receivedSeconds)
        writer.write(fetches)
    }

    /// Reads what ``encode(to:)`` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        bytes = try reader.read()
        seconds = try reader.read()
        receivedSeconds = try reader.read()
        fetches = try reader.read()
    }
}
