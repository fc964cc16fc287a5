import AtomicActors

/// A worker's node once joined: its executor's Context, the runtime that runs
/// the driver's tasks, and the service the driver and other workers call.
final class WorkerNode: Sendable {
    let system: ClusterSystem
    let context: Context
    let runtime: WorkerRuntime
    let service: WorkerService
    /// The driver this worker registered with.
    let driverNode: NodeIdentity

    private init(system: ClusterSystem, context: Context, runtime: WorkerRuntime, service: WorkerService, driverNode: NodeIdentity) {
        self.system = system
        self.context = context
        self.runtime = runtime
        self.service = service
        self.driverNode = driverNode
    }

    /// Makes the executor of a node that has joined the driver at `driver`, and
    /// registers it with the driver. On failure the node is shut down.
    ///
    /// - Throws: ``EngineError/workerFailed(worker:reason:)`` when the driver is
    ///   not a member or refuses this worker.
    static func register(system: ClusterSystem, driver: Endpoint, cores: Int, memory: Int, registry: FunctionRegistry,
                         specializations: OperatorSpecializations, processId: Int32,
                         handoff: InProcessHandoff? = nil) async throws -> WorkerNode {
        var config = Config.local(cores: cores, memory: memory, appName: "atomic-worker")
        config.registry = registry
        config.specializations = specializations
        guard let driverNode = system.members.first(where: { $0.endpoint == driver }) else {
            await system.shutdown()
            throw EngineError.workerFailed(worker: "\(system.identity)", reason: "joined \(driver) but it is not a member")
        }
        let service: DriverService
        let context: Context
        do {
            service = try DriverService.resolve(id: ActorAddress(node: driverNode, path: WellKnownPath.atomicDriver), using: system)
            context = try Context(workerConfig: config, executorId: "\(system.identity.endpoint)") { id in
                try BlockingCall.run { try await service.broadcastValue(id) }
            }
        } catch {
            await system.shutdown()
            throw error
        }
        let blockServer: BlockServer
        do {
            let shuffles = context.environment.shuffleManager
            blockServer = try await BlockServer(transport: system.transport, host: system.identity.endpoint.host,
                                                maxFrameSize: system.settings.transport.maxFrameSize) { request in
                // Encoded here, outside the shuffle manager, so serving does not hold it up.
                let encode = try await shuffles.bucketEncoder(shuffleId: request.shuffleId, mapIndex: request.mapIndex,
                                                              reduce: request.reduce)
                return try encode()
            }
        } catch {
            await system.shutdown()
            await context.stop()
            throw error
        }
        let runtime = WorkerRuntime(context: context, system: system, driverNode: driverNode, blockServer: blockServer,
                                    handoff: handoff)
        let worker = system.withPath(WellKnownPath.atomicWorker) { WorkerService(actorSystem: system, runtime: runtime) }
        let node = WorkerNode(system: system, context: context, runtime: runtime, service: worker, driverNode: driverNode)
        do {
            try await service.register(WorkerRegistration(node: system.identity, cores: cores, memory: memory,
                                                          fingerprint: registry.fingerprint, processId: processId))
        } catch {
            await node.stop()
            throw error
        }
        return node
    }

    /// Leaves the cluster and stops the executor.
    func stop() async {
        await system.shutdown()
        await context.stop()
    }
}
