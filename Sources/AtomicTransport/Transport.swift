/// Settings shared by every transport: limits, timeouts and the cluster secret.
public struct TransportConfiguration: Sendable {
    /// Largest frame accepted after the handshake (header plus payload). Default 64 MiB.
    public var maxFrameSize = FrameDecoder.defaultMaxFrameSize
    /// A sender suspends while its connection has more than this many bytes queued. Default 4 MiB.
    public var outboundHighWater = 4 << 20
    /// Suspended senders resume when the queue drains to this. Default 1 MiB.
    public var outboundLowWater = 1 << 20
    /// A connection stops reading its socket while this many received payload bytes
    /// wait to be consumed, so a slow reader pushes back on the sender. Default 8 MiB.
    public var inboundHighWater = 8 << 20
    /// How long one connection attempt may take. Default 2 s.
    public var connectTimeout: Duration = .seconds(2)
    /// How many times to try connecting before giving up. Default 5.
    public var connectAttempts = 5
    /// Delay before the second attempt; doubled each time up to ``maxBackoff``. Default 50 ms.
    public var initialBackoff: Duration = .milliseconds(50)
    /// The longest delay between attempts. Default 2 s.
    public var maxBackoff: Duration = .seconds(2)
    /// How long a handshake may take before the connection is dropped. Default 5 s.
    public var handshakeTimeout: Duration = .seconds(5)
    /// Most handshakes in progress at once on one listener; more are refused. Default 256.
    public var maxPendingHandshakes = 256
    /// When set, every peer must prove it knows this secret before any frame is delivered.
    public var secret: ClusterSecret?
    /// Descriptors each listener keeps in reserve: out of descriptors, it gives
    /// one up to accept a waiting connection and close it at once, so that the
    /// connection's client hears of it instead of waiting. With none left it
    /// stops accepting for a while (5 ms, doubled up to 1 s while descriptors
    /// stay out; `AcceptBackoff`). Default 2.
    public var listenerSpareDescriptors = 2
    /// The handshake protocol version offered; other values exist only to test refusals.
    var protocolVersion = HandshakeParameters.protocolVersion

    /// The defaults.
    public init() {}

    /// The defaults with `secret`.
    public init(secret: ClusterSecret?) {
        self.secret = secret
    }
}

/// Accepts connections on one endpoint.
public protocol Listener: AnyObject, Sendable {
    /// The address actually bound (the chosen port when 0 was asked for).
    var endpoint: Endpoint { get }
    /// Connections whose handshake succeeded, in the order they completed.
    var connections: AsyncStream<Connection> { get }
    /// Connections refused or lost during their handshake (wrong secret, other
    /// version, garbage, timeout), each with its reason.
    var rejections: AsyncStream<TransportError> { get }
    /// Stops accepting; connections already established stay open. Idempotent.
    func close()
}

/// Opens framed, authenticated connections between nodes: over TCP
/// (``TCPTransport``) or inside one process (``InMemoryTransport``), with the
/// same interface so the layers above test failures without sockets.
public protocol Transport: AnyObject, Sendable {
    /// This node's identity: the endpoint it listens on (after ``listen(on:)``) and
    /// its incarnation.
    var identity: NodeIdentity { get }
    /// Starts listening; a port of 0 picks a free one. The first listener's
    /// endpoint becomes this node's advertised identity.
    func listen(on endpoint: Endpoint) async throws -> any Listener
    /// Connects to `endpoint` and performs the handshake.
    ///
    /// - Throws: ``TransportError`` when every attempt failed or the handshake was refused.
    func connect(to endpoint: Endpoint) async throws -> Connection
    /// Closes every listener and connection this transport made, and stops its threads.
    func shutdown() async
}
