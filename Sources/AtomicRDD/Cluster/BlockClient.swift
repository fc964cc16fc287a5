import AtomicActors
import Synchronization

/// Fetches shuffle buckets from other workers' ``BlockServer``s for the reduce
/// tasks of one worker: one ``BlockConnection`` per serving worker, opened at the
/// first fetch (after asking the worker's ``WorkerService`` where its block server
/// listens) and opened again after it fails.
final class BlockClient: Sendable {
    private let system: ClusterSystem
    /// How long one bucket may take to arrive (a large bucket of spilled records
    /// may take a while to read and send).
    let timeout: Duration
    private let connections = Mutex<[NodeIdentity: Task<BlockConnection, any Error>]>([:])

    init(system: ClusterSystem, timeout: Duration = .seconds(600)) {
        self.system = system
        self.timeout = timeout
    }

    /// Fetches one bucket from `node`.
    ///
    /// - Throws: ``BlockFetchError``, or the error of asking `node` for its block server.
    func fetch(_ request: BlockRequest, from node: NodeIdentity) async throws -> [UInt8] {
        let task = connections.withLock { open in
            if let task = open[node] { return task }
            let task = Task { [system] in try await Self.connect(to: node, using: system) }
            open[node] = task
            return task
        }
        let connection: BlockConnection
        do { connection = try await task.value } catch {
            forget(task, of: node)
            throw error
        }
        do {
            return try await connection.fetch(request, timeout: timeout)
        } catch {
            // A failed connection is forgotten, so the next attempt opens a new one.
            if connection.isFailed { forget(task, of: node) }
            throw error
        }
    }

    private func forget(_ task: Task<BlockConnection, any Error>, of node: NodeIdentity) {
        connections.withLock { open in if open[node] == task { open.removeValue(forKey: node) } }
    }

    private static func connect(to node: NodeIdentity, using system: ClusterSystem) async throws -> BlockConnection {
        let peer = try WorkerService.resolve(id: ActorAddress(node: node, path: WellKnownPath.atomicWorker), using: system)
        let endpoint = try Endpoint(wireBytes: try await peer.blockEndpoint())
        let connection = try await system.transport.connect(to: endpoint)
        // A restarted worker at the same address is another node: its outputs are not the ones asked for.
        guard connection.remote == node else {
            connection.abort()
            throw BlockFetchError.connectionLost(node: "\(node)", detail: "\(endpoint) is now \(connection.remote)")
        }
        return BlockConnection(connection, node: "\(node)")
    }
}
