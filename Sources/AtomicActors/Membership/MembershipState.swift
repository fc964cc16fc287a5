/// The membership and failure-detection decisions of one node, as a pure state
/// machine: it is told what happened (a member joined, a heartbeat arrived, time
/// passed) and returns the events that follow. No I/O, no clock of its own.
///
/// Failure detection is timeout-based: a member silent for ``unreachableAfter`` is
/// unreachable, and for ``downAfter`` is down. A member at a known endpoint with a
/// different incarnation is a restarted process: the old incarnation goes down and
/// the new one comes up; the two are never confused.
public struct MembershipState: Sendable {
    /// Silence after which a member is unreachable.
    public let unreachableAfter: Duration
    /// Silence after which a member is down.
    public let downAfter: Duration
    /// This node; never reported about itself.
    public let local: NodeIdentity

    private struct Member {
        var identity: NodeIdentity
        var status: MemberStatus
        var lastHeard: Duration
    }

    private var members: [Endpoint: Member] = [:]
    /// Incarnations declared down, so late messages from them cannot resurrect them.
    private var tombstones: Set<NodeIdentity> = []

    /// A membership with only `local` in it.
    public init(local: NodeIdentity, unreachableAfter: Duration, downAfter: Duration) {
        precondition(downAfter >= unreachableAfter, "a member must be unreachable before it is down")
        self.local = local
        self.unreachableAfter = unreachableAfter
        self.downAfter = downAfter
    }

    /// The status of `node`, nil when unknown (a tombstoned incarnation is `.down`).
    public func status(of node: NodeIdentity) -> MemberStatus? {
        if tombstones.contains(node) { return .down }
        guard let member = members[node.endpoint], member.identity == node else { return nil }
        return member.status
    }

    /// Members that are up or unreachable (not down), excluding this node.
    public var liveMembers: [NodeIdentity] {
        members.values.filter { $0.status != .down }.map(\.identity).sorted { $0.description < $1.description }
    }

    /// `node` is alive at `now`: it joined, or a heartbeat or any message came from it.
    public mutating func heard(from node: NodeIdentity, at now: Duration) -> [MembershipEvent] {
        guard node != local, !tombstones.contains(node) else { return [] }
        var events: [MembershipEvent] = []
        if let existing = members[node.endpoint] {
            if existing.identity != node {
                // The same address, a new process: the old one is gone for good.
                if existing.status != .down { events.append(.down(existing.identity)) }
                tombstones.insert(existing.identity)
                members[node.endpoint] = Member(identity: node, status: .up, lastHeard: now)
                events.append(.up(node))
                return events
            }
            members[node.endpoint]!.lastHeard = now
            switch existing.status {
            case .up: break
            case .unreachable:
                members[node.endpoint]!.status = .up
                events.append(.reachable(node))
            case .down: break
            }
            return events
        }
        members[node.endpoint] = Member(identity: node, status: .up, lastHeard: now)
        return [.up(node)]
    }

    /// Declares `node` down at once (it left, or its process is known dead).
    public mutating func markDown(_ node: NodeIdentity) -> [MembershipEvent] {
        guard let existing = members[node.endpoint], existing.identity == node, existing.status != .down else { return [] }
        members[node.endpoint]!.status = .down
        tombstones.insert(node)
        return [.down(node)]
    }

    /// Time passed: members silent too long become unreachable, then down.
    public mutating func tick(now: Duration) -> [MembershipEvent] {
        var events: [MembershipEvent] = []
        for (endpoint, member) in members.sorted(by: { $0.key.description < $1.key.description }) {
            let silence = now - member.lastHeard
            switch member.status {
            case .up where silence >= downAfter:
                events += [.unreachable(member.identity), .down(member.identity)]
                members[endpoint]!.status = .down
                tombstones.insert(member.identity)
            case .up where silence >= unreachableAfter:
                events.append(.unreachable(member.identity))
                members[endpoint]!.status = .unreachable
            case .unreachable where silence >= downAfter:
                events.append(.down(member.identity))
                members[endpoint]!.status = .down
                tombstones.insert(member.identity)
            default:
                break
            }
        }
        return events
    }
}
