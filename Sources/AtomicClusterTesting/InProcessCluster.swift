import AtomicActors
import Foundation
import Synchronization

/// N nodes in one process, for tests: node 0 is the seed (the driver), the others
/// join through it. Nodes talk over real loopback TCP (ports chosen at run time)
/// or over an ``InMemoryNetwork`` that can drop, delay and partition.
///
/// ```swift
/// try await InProcessCluster.with(nodes: 3, placement: .inMemory) { cluster in
///     let probe = try cluster[1].probe(on: cluster[2].identity)
///     _ = try await probe.echo([1])
///     try await cluster.partition([0, 1], [2])
/// }
/// ```
///
/// Each node's log is captured and printed only when the body throws. At the end
/// every node is shut down and checked for leaked connections, calls and readers.
public final class InProcessCluster: Sendable {
    /// Where the nodes' connections run.
    public enum Placement: Sendable, CustomStringConvertible {
        /// Real TCP sockets on 127.0.0.1.
        case loopbackTCP
        /// The in-memory transport, which supports every fault.
        case inMemory

        /// For test names.
        public var description: String { self == .loopbackTCP ? "loopbackTCP" : "inMemory" }
    }

    /// Why a fault could not be injected.
    public enum FaultError: Error, Equatable {
        /// Link faults need the in-memory placement.
        case needsInMemoryPlacement
    }

    /// How the nodes are connected.
    public let placement: Placement
    /// The network, for the in-memory placement.
    public let network: InMemoryNetwork?
    private let systems: Mutex<[ClusterSystem]>
    private let killed = Mutex<Set<Int>>([])
    private let logLines: LogBook

    private init(placement: Placement, network: InMemoryNetwork?, systems: [ClusterSystem], logs: LogBook) {
        self.placement = placement
        self.network = network
        self.systems = Mutex(systems)
        self.logLines = logs
    }

    /// Node `index`'s actor system.
    public subscript(index: Int) -> ClusterSystem { systems.withLock { $0[index] } }

    /// How many nodes were started.
    public var count: Int { systems.withLock { $0.count } }

    /// Settings suited to tests: quick heartbeats, and failure detection quick
    /// enough for a test yet slow enough that a busy 2-core machine running many
    /// tests at once does not mistake a live node for a dead one.
    public static func fastSettings() -> ClusterSettings {
        var settings = ClusterSettings()
        settings.heartbeatInterval = .milliseconds(100)
        settings.unreachableAfter = .seconds(2)
        settings.downAfter = .seconds(4)
        settings.callTimeout = .seconds(5)
        return settings
    }

    /// Starts `nodes` nodes and waits until every node sees every other as up.
    public static func start(nodes: Int, placement: Placement, settings: ClusterSettings = fastSettings()) async throws -> InProcessCluster {
        precondition(nodes >= 1, "a cluster needs a node")
        let logs = LogBook()
        let network = placement == .inMemory ? InMemoryNetwork(seed: 42) : nil
        var systems: [ClusterSystem] = []
        do {
            for index in 0..<nodes {
                var nodeSettings = settings
                nodeSettings.logger = { line in logs.append(node: index, line) }
                let transport: any Transport
                let endpoint: Endpoint
                switch placement {
                case .loopbackTCP:
                    transport = try TCPTransport(configuration: settings.transport)
                    endpoint = Endpoint(host: "127.0.0.1", port: 0)
                case .inMemory:
                    transport = network!.makeTransport(host: "node\(index)", configuration: settings.transport)
                    endpoint = Endpoint(host: "node\(index)", port: 0)
                }
                let seed = systems.first?.identity.endpoint
                systems.append(try await ClusterSystem.start(transport: transport, listenOn: endpoint, seed: seed, settings: nodeSettings))
            }
            let cluster = InProcessCluster(placement: placement, network: network, systems: systems, logs: logs)
            try await cluster.waitUntilConverged()
            return cluster
        } catch {
            for system in systems { await system.shutdown() }
            logs.printAll()
            throw error
        }
    }

    /// Runs `body` on a new cluster, shuts it down, checks for leaks, and prints the
    /// nodes' logs if anything failed.
    public static func with<R>(nodes: Int, placement: Placement, settings: ClusterSettings = fastSettings(),
                               _ body: (InProcessCluster) async throws -> R) async throws -> R {
        let cluster = try await start(nodes: nodes, placement: placement, settings: settings)
        let result: Result<R, any Error>
        do { result = .success(try await body(cluster)) } catch { result = .failure(error) }
        let leaks = await cluster.shutdown()
        if case .failure = result { cluster.logLines.printAll() }
        if !leaks.isEmpty {
            cluster.logLines.printAll()
            throw LeakError(leaks: leaks)
        }
        return try result.get()
    }

    /// Something a node still held after shutdown.
    public struct LeakError: Error, CustomStringConvertible {
        /// One line per leaking node.
        public var leaks: [String]
        /// The leaks, joined.
        public var description: String { "leaked after shutdown: " + leaks.joined(separator: "; ") }
    }

    /// Waits (awaiting membership events, not sleeping) until every live node sees
    /// every other live node as a member.
    public func waitUntilConverged() async throws {
        let live = liveIndices()
        let expected = Set(live.map { self[$0].identity })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in live {
                let system = self[index]
                let others = expected.subtracting([system.identity])
                group.addTask {
                    let events = system.membershipEvents()
                    if others.isSubset(of: Set(system.members)) { return }
                    for await _ in events where others.isSubset(of: Set(system.members)) { return }
                    throw FaultError.needsInMemoryPlacement
                }
            }
            try await group.waitForAll()
        }
    }

    /// Kills node `index` abruptly, as a crashed process: its connections reset and
    /// it says no goodbye.
    public func kill(_ index: Int) async {
        killed.withLock { _ = $0.insert(index) }
        if let network { network.crash(host: "node\(index)") }
        await self[index].crash()
    }

    /// Drops frames from node `from` to node `to` with probability `rate`.
    public func drop(from: Int, to: Int, rate: Double) throws {
        guard let network else { throw FaultError.needsInMemoryPlacement }
        network.setDropRate(from: "node\(from)", to: "node\(to)", rate)
    }

    /// Delays frames from node `from` to node `to`.
    public func delay(from: Int, to: Int, by delay: Duration) throws {
        guard let network else { throw FaultError.needsInMemoryPlacement }
        network.setDelay(from: "node\(from)", to: "node\(to)", delay)
    }

    /// Slows node `index` down: everything it sends and receives is delayed.
    public func slowDown(_ index: Int, by delay: Duration) throws {
        for other in 0..<count where other != index {
            try self.delay(from: index, to: other, by: delay)
            try self.delay(from: other, to: index, by: delay)
        }
    }

    /// Cuts the network between two groups of nodes.
    public func partition(_ first: [Int], _ second: [Int]) throws {
        guard let network else { throw FaultError.needsInMemoryPlacement }
        network.partition(Set(first.map { "node\($0)" }), Set(second.map { "node\($0)" }))
    }

    /// Removes every partition, drop and delay.
    public func heal() throws {
        guard let network else { throw FaultError.needsInMemoryPlacement }
        network.heal()
    }

    /// Node `index`'s captured log.
    public func log(of index: Int) -> [String] { logLines.lines(of: index) }

    private func liveIndices() -> [Int] {
        let dead = killed.withLock { $0 }
        return (0..<count).filter { !dead.contains($0) }
    }

    /// Shuts every node down; returns what any node leaked.
    public func shutdown() async -> [String] {
        let all = systems.withLock { $0 }
        for system in all { await system.shutdown() }
        var leaks: [String] = []
        for (index, system) in all.enumerated() {
            let d = system.diagnostics
            if d.connections != 0 || d.pendingCalls != 0 || d.readers != 0 || d.idleCallTasks != 0 {
                leaks.append("node\(index): \(d)")
            }
        }
        for (index, system) in all.enumerated() {
            if let tcp = system.transport as? TCPTransport, tcp.openResourceCount != 0 {
                leaks.append("node\(index): \(tcp.openResourceCount) sockets open")
            }
        }
        if let network, network.openLinkCount != 0 { leaks.append("\(network.openLinkCount) in-memory links open") }
        return leaks
    }
}

/// Log lines per node, kept until a failure asks for them.
/// With `ATOMIC_TEST_LOG=1` in the environment, lines are also printed as they come.
final class LogBook: Sendable {
    private let lines = Mutex<[Int: [String]]>([:])
    private let live = ProcessInfo.processInfo.environment["ATOMIC_TEST_LOG"] == "1"

    func append(node: Int, _ line: String) {
        if live { print("node\(node) \(line)") }
        lines.withLock { $0[node, default: []].append(line) }
    }

    func lines(of node: Int) -> [String] { lines.withLock { $0[node] ?? [] } }

    func printAll() {
        for (node, entries) in lines.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            print("--- log of node\(node) ---")
            for entry in entries { print(entry) }
        }
    }
}
