/// A small service every node hosts at ``WellKnownPath/probe``: health checks,
/// round-trip measurements and clustered tests call it on any node.
public distributed actor NodeProbe {
    /// Probes talk over the cluster system.
    public typealias ActorSystem = ClusterSystem

    /// Creates a probe; ``ClusterSystem/start(transport:listenOn:seed:settings:)``
    /// creates one per node at the well-known path.
    public init(actorSystem: ClusterSystem) {
        self.actorSystem = actorSystem
    }

    /// Returns its argument: the cheapest useful round trip.
    public distributed func echo(_ payload: [UInt8]) -> [UInt8] { payload }

    /// The node this probe runs on.
    public distributed func node() -> NodeIdentity { actorSystem.identity }

    /// The members this node believes alive.
    public distributed func members() -> [NodeIdentity] { actorSystem.members }

    /// Finishes after `milliseconds` (to test timeouts and calls in flight).
    public distributed func pause(milliseconds: Int64) async throws {
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
}

extension WellKnownPath {
    /// The node's ``NodeProbe``.
    public static let probe = "/system/probe"
}

extension ClusterSystem {
    /// The probe on `node` (local or remote).
    public func probe(on node: NodeIdentity) throws -> NodeProbe {
        try NodeProbe.resolve(id: ActorAddress(node: node, path: WellKnownPath.probe), using: self)
    }
}
