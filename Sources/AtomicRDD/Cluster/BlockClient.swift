import AtomicActors
import Synchronization

/// Fetches shuffle buckets from other workers' ``BlockServer``s for the reduce
/// tasks of one worker: one ``BlockConnection`` per serving worker, opened ahead
/// of the first fetch (``prepare(_:)``) or at it (after asking the worker's
/// ``WorkerService`` where its block server listens), and opened again after it fails.
final class BlockClient: Sendable {
    private let system: ClusterSystem
    /// How long one bucket may take to arrive (a large bucket of spilled records
    /// may take a while to read and send).
    let timeout: Duration

    /// A connection being opened or open; `id` tells it from a later one to the same node.
    private struct Opening {
        let id: Int
        let task: Task<BlockConnection, any Error>
    }

    private let connections = Mutex<(nextId: Int, open: [NodeIdentity: Opening])>((0, [:]))

    init(system: ClusterSystem, timeout: Duration = .seconds(600)) {
        self.system = system
        self.timeout = timeout
    }

    /// Fetches one bucket from `node`.
    ///
    /// - Throws: ``BlockFetchError``, or the error of asking `node` for its block server.
    func fetch(_ request: BlockRequest, from node: NodeIdentity) async throws -> [UInt8] {
        let opening = connecting(to: node)
        let connection = try await opening.task.value
        do {
            return try await connection.fetch(request, timeout: timeout)
        } catch {
            // A failed connection is forgotten, so the next attempt opens a new one.
            if connection.isFailed { forget(opening.id, of: node) }
            throw error
        }
    }

    /// Starts opening the connection to each of `nodes` that has none open or
    /// opening, without waiting for it: the first fetch from a node then does not
    /// pay for the lookup, the connection and its handshake. A connection that
    /// cannot be opened is forgotten; a fetch tries again.
    func prepare(_ nodes: some Sequence<NodeIdentity>) {
        for node in nodes { _ = connecting(to: node) }
    }

    /// Nodes with a connection open or being opened.
    var connectedNodes: Set<NodeIdentity> { connections.withLock { Set($0.open.keys) } }

    /// The connection to `node` once open, when one is open or being opened;
    /// nil when there is none or it could not be opened.
    func openConnection(to node: NodeIdentity) async -> BlockConnection? {
        guard let opening = connections.withLock({ $0.open[node] }) else { return nil }
        return try? await opening.task.value
    }

    /// The connection to `node` open or being opened, or one started now.
    private func connecting(to node: NodeIdentity) -> Opening {
        connections.withLock { state in
            if let opening = state.open[node] { return opening }
            state.nextId += 1
            let id = state.nextId
            let task = Task { [self] in
                do { return try await Self.connect(to: node, using: system) } catch {
                    // Forgotten before anyone waiting sees the error, so a retry opens anew.
                    forget(id, of: node)
                    throw error
                }
            }
            let opening = Opening(id: id, task: task)
            state.open[node] = opening
            return opening
        }
    }

    private func forget(_ id: Int, of node: NodeIdentity) {
        connections.withLock { state in
            if state.open[node]?.id == id { state.open.removeValue(forKey: node) }
        }
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
