/// How a ``ClusterSystem`` behaves: transport limits, timeouts, failure detection.
public struct ClusterSettings: Sendable {
    /// Transport limits, timeouts and the cluster secret.
    public var transport = TransportConfiguration()
    /// How long a remote call may wait for its reply, unless the caller sets
    /// ``ClusterSystem/callTimeout`` for its task. Default 10 s.
    public var callTimeout: Duration = .seconds(10)
    /// How often timed-out calls are looked for. Default 20 ms.
    public var timeoutSweepInterval: Duration = .milliseconds(20)
    /// How often this node tells every member it is alive. Default 200 ms.
    public var heartbeatInterval: Duration = .milliseconds(200)
    /// Silence after which a member is unreachable. Default 1 s.
    public var unreachableAfter: Duration = .seconds(1)
    /// Silence after which a member is down. Default 3 s.
    public var downAfter: Duration = .seconds(3)
    /// The time source for heartbeats, failure detection and timeouts.
    public var timeSource: any TimeSource = SystemTimeSource()
    /// Where log lines go (none by default).
    public var logger: (@Sendable (String) -> Void)?
    /// The most calls from one connection that run on this node at once; past
    /// it, the connection is not read until one of them ends. Default 1,024.
    public var maxCallsPerConnection = 1024
    /// The most other nodes this node keeps track of, down ones included; a
    /// member list longer than this is dropped whole. Default 4,096.
    public var maxMembers = 4096

    /// The defaults.
    public init() {}
}

/// Messages of the membership protocol, in ``FrameKind/message`` frames.
enum ControlMessage: WireCodable, Equatable {
    /// A node asks the seed to join.
    case join(NodeIdentity)
    /// The seed's answer to a join, or news of members: each is up.
    case members([NodeIdentity])
    /// A node is leaving cleanly and should be marked down at once.
    case leaving(NodeIdentity)
    /// The seed's answer to a join it cannot admit, with the reason.
    case refused(String)

    func encode(to writer: inout WireWriter) {
        switch self {
        case let .join(node): writer.write(UInt8(0)); writer.write(node)
        case let .members(nodes): writer.write(UInt8(1)); writer.write(nodes)
        case let .leaving(node): writer.write(UInt8(2)); writer.write(node)
        case let .refused(reason): writer.write(UInt8(3)); writer.write(reason)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        let at = reader.offset
        switch try reader.read(UInt8.self) {
        case 0: self = .join(try reader.read())
        case 1: self = .members(try reader.read())
        case 2: self = .leaving(try reader.read())
        case 3: self = .refused(try reader.read())
        case let tag: throw .unknownTag(offset: at, tag: UInt64(tag), type: "ControlMessage")
        }
    }
}
