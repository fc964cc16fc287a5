/// A change in what a node believes about another node.
public enum MembershipEvent: Equatable, Sendable, CustomStringConvertible {
    /// The node joined (or this node learned of it) and is reachable.
    case up(NodeIdentity)
    /// No heartbeat for a while; calls may still succeed if it comes back.
    case unreachable(NodeIdentity)
    /// A node marked unreachable was heard from again.
    case reachable(NodeIdentity)
    /// The node is considered dead; calls to it fail at once. Final for this incarnation.
    case down(NodeIdentity)

    /// The node the event is about.
    public var node: NodeIdentity {
        switch self {
        case let .up(n), let .unreachable(n), let .reachable(n), let .down(n): return n
        }
    }

    /// `"up(host:port#inc)"`.
    public var description: String {
        switch self {
        case let .up(n): return "up(\(n))"
        case let .unreachable(n): return "unreachable(\(n))"
        case let .reachable(n): return "reachable(\(n))"
        case let .down(n): return "down(\(n))"
        }
    }
}

/// What this node believes about another node.
public enum MemberStatus: Equatable, Sendable {
    /// Heard from recently.
    case up
    /// Silent for longer than the unreachable threshold.
    case unreachable
    /// Silent past the down threshold, replaced by a new incarnation, or left.
    case down
}
