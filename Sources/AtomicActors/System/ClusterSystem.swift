import Synchronization

/// Atomic's own `DistributedActorSystem`: distributed actors on any node of a
/// cluster, called through ``AtomicTransport`` with ``WireCodable`` as the
/// serialization requirement (no Codable, no JSON).
///
/// ```swift
/// let driver = try await ClusterSystem.start(transport: TCPTransport(), listenOn: Endpoint(host: "127.0.0.1", port: 7077))
/// let worker = try await ClusterSystem.start(transport: TCPTransport(), listenOn: Endpoint(host: "127.0.0.1", port: 0),
///                                            seed: driver.identity.endpoint)
/// let greeter = try Greeter.resolve(id: remoteAddress, using: worker)
/// let text = try await greeter.greet("Ada")     // a remote call
/// ```
///
/// Owns: the local actor table (path → actor), one connection per peer, the
/// calls in flight (correlation id → waiting caller), the membership state, and
/// two loops (heartbeats with failure detection; call timeouts). Lives on every
/// node, driver and workers alike.
///
/// Calls to a node that is down fail at once with ``RemoteCallError/nodeDown(_:)``;
/// calls in flight when a connection is lost fail with
/// ``RemoteCallError/nodeUnreachable(_:reason:)``; no call waits past its timeout
/// by more than two ``ClusterSettings/timeoutSweepInterval``s.
public final class ClusterSystem: DistributedActorSystem, Sendable {
    /// Actors are addressed by node and path.
    public typealias ActorID = ActorAddress
    /// Encodes calls with the wire codec.
    public typealias InvocationEncoder = WireInvocationEncoder
    /// Decodes calls with the wire codec.
    public typealias InvocationDecoder = WireInvocationDecoder
    /// Sends replies over the connection a call came in on.
    public typealias ResultHandler = WireResultHandler
    /// Everything crossing nodes is ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    /// The timeout for remote calls made by the current task, overriding
    /// ``ClusterSettings/callTimeout``.
    @TaskLocal public static var callTimeout: Duration?
    /// The path the next actor created in this task gets (see ``withPath(_:_:)``).
    @TaskLocal static var assignedPath: String?

    /// This node: where it listens, and its incarnation.
    public let identity: NodeIdentity
    /// The settings it was started with.
    public let settings: ClusterSettings

    /// The transport the system runs on.
    public let transport: any Transport
    let listener: any Listener
    let types = TypeNameCache()
    let targets = DistributedTargetCache()
    let names = WireNames()
    /// This node's identity as encoded in the calls addressed to it.
    let identityBytes: [UInt8]
    let correlation = Atomic<UInt64>(0)
    /// Moves whenever an actor is registered or resigned, so that readers may
    /// reuse the actor they found for a path while it stays put (``RecentCalls``).
    let actorsEpoch = Atomic<UInt64>(0)
    let state: Mutex<State>
    /// The calls in flight, apart from the rest of the state (see ``CallTable``).
    let calls = Mutex(CallTable())
    /// The tasks that run incoming calls, kept between calls.
    let servers = CallServers<IncomingWork>(maxIdle: 256)

    struct State {
        var actors: [String: WeakActor] = [:]
        var nextActor: UInt64 = 0
        // Any change to the peers or the membership forgets the last route.
        var peers: [Endpoint: Connection] = [:] { didSet { lastRoute = nil } }
        var connecting: [Endpoint: Task<Connection, any Error>] = [:]
        var readers: [ObjectIdentifier: Task<Void, Never>] = [:]
        var membership: MembershipState { didSet { lastRoute = nil } }
        /// The last route a call took, while the peers and the membership stay
        /// as they were: most calls go where the previous one went, and are
        /// routed without hashing the node twice.
        var lastRoute: Route?
        var subscribers: [UInt64: AsyncStream<MembershipEvent>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
        var loops: [Task<Void, Never>] = []
        var shutDown = false
        /// The node this one joined through: the only one whose member lists it takes.
        var seed: NodeIdentity?
        /// The seed's answer to this node's join, until it came.
        var joinAnswer: JoinAnswer?
        /// The per-node services, kept alive as long as the system.
        var services: [any DistributedActor] = []
    }

    private init(transport: any Transport, listener: any Listener, settings: ClusterSettings) {
        self.transport = transport
        self.listener = listener
        self.settings = settings
        self.identity = transport.identity
        self.identityBytes = transport.identity.wireBytes()
        state = Mutex(State(membership: MembershipState(local: transport.identity, unreachableAfter: settings.unreachableAfter,
                                                        downAfter: settings.downAfter, maxMembers: settings.maxMembers,
                                                        maxTombstones: settings.maxMembers)))
    }

    /// Starts a node: listens on `endpoint` (port 0 for any), and joins the
    /// cluster through `seed` (the driver) when given, returning once the seed
    /// has answered with its members.
    ///
    /// - Throws: ``TransportError`` if it cannot listen or reach the seed;
    ///   ``JoinError`` if the seed refuses the node or does not answer;
    ///   ``RemoteCallError`` if the seed's connection ends before it answers.
    public static func start(transport: any Transport, listenOn endpoint: Endpoint, seed: Endpoint? = nil,
                             settings: ClusterSettings = ClusterSettings()) async throws -> ClusterSystem {
        let listener = try await transport.listen(on: endpoint)
        let system = ClusterSystem(transport: transport, listener: listener, settings: settings)
        let probe = system.withPath(WellKnownPath.probe) { NodeProbe(actorSystem: system) }
        system.state.withLock { $0.services.append(probe) }
        system.startLoops()
        if let seed {
            do { try await system.join(seed: seed) } catch {
                await system.shutdown()
                throw error
            }
        }
        return system
    }

    /// Writes a log line through ``ClusterSettings/logger``.
    func log(_ message: @autoclosure () -> String) {
        settings.logger?("[\(identity)] \(message())")
    }

    // MARK: Actor lifecycle

    /// Creates an actor at a chosen path (e.g. a ``WellKnownPath``) instead of a fresh one.
    ///
    /// ```swift
    /// let executor = system.withPath(WellKnownPath.executor) { Executor(actorSystem: system) }
    /// ```
    public func withPath<A>(_ path: String, _ make: () throws -> A) rethrows -> A {
        try ClusterSystem.$assignedPath.withValue(path) { try make() }
    }

    /// The local actor at `id`, or nil when `id` is on another node (a remote proxy is made).
    ///
    /// - Throws: ``RemoteCallError/actorNotFound(_:)`` when `id` is on this node and nothing lives there.
    public func resolve<Act>(id: ActorID, as actorType: Act.Type) throws -> Act?
        where Act: DistributedActor, Act.ID == ActorID
    {
        guard id.node == identity else { return nil }
        guard let actor = state.withLock({ $0.actors[id.path]?.actor }) else { throw RemoteCallError.actorNotFound(id) }
        guard let typed = actor as? Act else { throw RemoteCallError.actorNotFound(id) }
        return typed
    }

    /// Gives a new actor its address: the task's assigned path, or `/user/N`.
    public func assignID<Act>(_ actorType: Act.Type) -> ActorID where Act: DistributedActor, Act.ID == ActorID {
        if let path = ClusterSystem.assignedPath { return ActorAddress(node: identity, path: path) }
        let n = state.withLock { s -> UInt64 in s.nextActor += 1; return s.nextActor }
        return ActorAddress(node: identity, path: "/user/\(n)")
    }

    /// Registers a fully initialized actor so remote calls can reach it.
    public func actorReady<Act>(_ actor: Act) where Act: DistributedActor, Act.ID == ActorID {
        state.withLock { s in
            s.actors[actor.id.path] = WeakActor(actor)
            actorsEpoch.add(1, ordering: .releasing)
        }
    }

    /// Forgets a deinitialized actor.
    public func resignID(_ id: ActorID) {
        state.withLock { s in
            s.actors.removeValue(forKey: id.path)
            actorsEpoch.add(1, ordering: .releasing)
        }
    }

    /// A fresh encoder for one call.
    public func makeInvocationEncoder() -> InvocationEncoder { WireInvocationEncoder() }

    /// Counts of what the system holds, for leak checks in tests.
    public struct Diagnostics: Equatable, Sendable {
        /// Live local actors.
        public var actors: Int
        /// Open peer connections.
        public var connections: Int
        /// Calls waiting for replies.
        public var pendingCalls: Int
        /// Connection reader tasks running.
        public var readers: Int
        /// Tasks kept waiting to run incoming calls.
        public var idleCallTasks: Int
    }

    /// What the system holds right now.
    public var diagnostics: Diagnostics {
        state.withLock { s in
            Diagnostics(actors: s.actors.values.filter { $0.actor != nil }.count, connections: s.peers.count,
                        pendingCalls: calls.withLock { $0.pending.count }, readers: s.readers.count,
                        idleCallTasks: servers.idleCount)
        }
    }

    /// Stops the loops, fails calls in flight, says goodbye to peers and closes
    /// the transport. Idempotent.
    public func shutdown() async {
        await stop(gracefully: true)
    }

    /// Stops as a crashed process would: no goodbye, connections reset. For tests
    /// of failure handling on the other nodes.
    public func crash() async {
        await stop(gracefully: false)
    }

    private func stop(gracefully: Bool) async {
        if state.withLock({ $0.shutDown }) { return }
        // Services are released outside the lock: their deinit resigns their ids.
        var services: [any DistributedActor] = []
        let (loops, peers, readers, subscribers, connecting) = state.withLock { s in
            let result = (s.loops, Array(s.peers.values), Array(s.readers.values), Array(s.subscribers.values),
                          Array(s.connecting.values))
            swap(&services, &s.services)
            s.shutDown = true
            s.loops.removeAll()
            s.peers.removeAll()
            s.subscribers.removeAll()
            s.connecting.removeAll()
            return result
        }
        let pending = calls.withLock { c in
            c.closed = true
            defer { c.pending.removeAll() }
            return c.pending
        }
        servers.close()
        for loop in loops { loop.cancel() }
        for task in connecting { task.cancel() }
        for (_, call) in pending { call.fail(RemoteCallError.systemShutDown) }
        for subscriber in subscribers { subscriber.finish() }
        listener.close()
        for peer in peers {
            if gracefully {
                try? await peer.send(Frame(kind: .message, payload: ControlMessage.leaving(identity).wireBytes()))
                await peer.close()
            } else {
                peer.abort()
            }
        }
        // Resets whatever connections remain (duplicates, handshakes in progress),
        // which ends every reader.
        await transport.shutdown()
        for reader in readers { await reader.value }
        for loop in loops { await loop.value }
        services.removeAll()
    }
}

/// A node and the open connection calls to it take.
struct Route {
    let node: NodeIdentity
    let connection: Connection
}

/// A weak reference to a local actor, so the table does not keep actors alive.
struct WeakActor: @unchecked Sendable {
    // Safety: written once at creation; reading a weak reference is thread-safe.
    weak var actor: (any DistributedActor)?

    init(_ actor: any DistributedActor) {
        self.actor = actor
    }
}
