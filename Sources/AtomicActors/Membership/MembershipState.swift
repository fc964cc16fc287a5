/// The membership and failure-detection decisions of one node, as a pure state
/// machine: it is told what happened (a member joined, a heartbeat arrived, time
/// passed) and returns the events that follow. No I/O, no clock of its own.
///
/// Failure detection is timeout-based: a member silent for ``unreachableAfter`` is
/// unreachable, and for ``downAfter`` is down. A member at a known endpoint with a
/// greater incarnation is a restarted process: the old incarnation goes down and
/// the new one comes up; the two are never confused. A message from a smaller
/// incarnation than the one tracked at its endpoint comes from a process that
/// was replaced: it is ignored, and that incarnation is down, even once its
/// tombstone is forgotten (incarnations grow with the start time, see
/// ``NodeIdentity/newIncarnation()``).
///
/// Bounded: at most ``maxMembers`` endpoints are tracked (a down member's place is
/// reused before a newcomer is ignored), and at most ``maxTombstones`` down
/// incarnations are remembered, the earliest forgotten first.
public struct MembershipState: Sendable {
    /// Silence after which a member is unreachable.
    public let unreachableAfter: Duration
    /// Silence after which a member is down.
    public let downAfter: Duration
    /// This node; never reported about itself.
    public let local: NodeIdentity
    /// The most endpoints tracked.
    public let maxMembers: Int
    /// The most down incarnations remembered.
    public let maxTombstones: Int

    private struct Member {
        var identity: NodeIdentity
        var status: MemberStatus
        var lastHeard: Duration
    }

    private var members: [Endpoint: Member] = [:]
    /// Incarnations declared down, so late messages from them cannot resurrect
    /// them, each with the order it was declared in.
    private var tombstones: [NodeIdentity: UInt64] = [:]
    private var buried: UInt64 = 0

    /// A membership with only `local` in it, tracking at most `maxMembers`
    /// endpoints and `maxTombstones` down incarnations (4,096 each by default).
    public init(local: NodeIdentity, unreachableAfter: Duration, downAfter: Duration,
                maxMembers: Int = 4096, maxTombstones: Int = 4096) {
        precondition(downAfter >= unreachableAfter, "a member must be unreachable before it is down")
        self.local = local
        self.unreachableAfter = unreachableAfter
        self.downAfter = downAfter
        self.maxMembers = max(1, maxMembers)
        self.maxTombstones = max(1, maxTombstones)
    }

    /// The status of `node`, nil when unknown (a tombstoned incarnation is `.down`).
    public func status(of node: NodeIdentity) -> MemberStatus? {
        if tombstones[node] != nil { return .down }
        guard let member = members[node.endpoint] else { return nil }
        guard member.identity == node else { return member.identity.incarnation > node.incarnation ? .down : nil }
        return member.status
    }

    /// Members that are up or unreachable (not down), excluding this node.
    public var liveMembers: [NodeIdentity] {
        members.values.filter { $0.status != .down }.map(\.identity).sorted { $0.description < $1.description }
    }

    /// `node` is alive at `now`: it joined, or a heartbeat or any message came from it.
    public mutating func heard(from node: NodeIdentity, at now: Duration) -> [MembershipEvent] {
        guard node != local, tombstones[node] == nil else { return [] }
        var events: [MembershipEvent] = []
        if let existing = members[node.endpoint] {
            if existing.identity != node {
                // The same address, an earlier process than the one tracked: a late message.
                guard node.incarnation > existing.identity.incarnation else { return [] }
                // The same address, a new process: the old one is gone for good.
                if existing.status != .down { events.append(.down(existing.identity)) }
                bury(existing.identity)
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
        if members.count >= maxMembers {
            // Room is made only from members known to be down.
            guard let gone = members.first(where: { $0.value.status == .down })?.key else { return [] }
            members.removeValue(forKey: gone)
        }
        members[node.endpoint] = Member(identity: node, status: .up, lastHeard: now)
        return [.up(node)]
    }

    /// The number of endpoints tracked, down members included.
    public var trackedCount: Int { members.count }
    /// The number of down incarnations remembered.
    public var tombstoneCount: Int { tombstones.count }

    /// Remembers `node` as down for good, forgetting the earliest tombstone when full.
    private mutating func bury(_ node: NodeIdentity) {
        buried += 1
        tombstones[node] = buried
        if tombstones.count > maxTombstones, let earliest = tombstones.min(by: { $0.value < $1.value })?.key {
            tombstones.removeValue(forKey: earliest)
        }
    }

    /// Declares `node` down at once (it left, or its process is known dead).
    public mutating func markDown(_ node: NodeIdentity) -> [MembershipEvent] {
        guard let existing = members[node.endpoint], existing.identity == node, existing.status != .down else { return [] }
        members[node.endpoint]!.status = .down
        bury(node)
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
                bury(member.identity)
            case .up where silence >= unreachableAfter:
                events.append(.unreachable(member.identity))
                members[endpoint]!.status = .unreachable
            case .unreachable where silence >= downAfter:
                events.append(.down(member.identity))
                members[endpoint]!.status = .down
                bury(member.identity)
            default:
                break
            }
        }
        return events
    }
}
