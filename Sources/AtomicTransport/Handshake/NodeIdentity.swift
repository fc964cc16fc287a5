import Glibc

/// Who a node is: where it listens, and which start of the process at that
/// address this is.
///
/// A node restarted on the same host and port gets a new ``incarnation``, so it
/// is never mistaken for the process that was there before; incarnations grow
/// with the start time (``newIncarnation()``), so the later of two processes at
/// one address is known.
public struct NodeIdentity: Hashable, Sendable, CustomStringConvertible, WireCodable {
    /// Where the node accepts connections.
    public var endpoint: Endpoint
    /// Distinguishes successive processes at the same endpoint.
    public var incarnation: UInt64

    /// Creates an identity; a new process's incarnation by default.
    public init(endpoint: Endpoint, incarnation: UInt64 = NodeIdentity.newIncarnation()) {
        self.endpoint = endpoint
        self.incarnation = incarnation
    }

    /// A new process's incarnation: the wall-clock time in milliseconds in the
    /// high 44 bits (until the year 2527) and 20 random bits below them. A
    /// process restarted at an address thus has a greater incarnation than the
    /// one before it, unless the clock was set back between the two starts, and
    /// two processes started in the same millisecond still differ.
    public static func newIncarnation() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = UInt64(max(0, now.tv_sec)) &* 1000 &+ UInt64(max(0, now.tv_nsec)) / 1_000_000
        return (milliseconds & (1 << 44 - 1)) << 20 | UInt64.random(in: 1..<(1 << 20))
    }

    /// Host of the endpoint.
    public var host: String { endpoint.host }
    /// Port of the endpoint.
    public var port: UInt16 { endpoint.port }

    /// `"host:port#incarnation"`, the incarnation in hex.
    public var description: String { "\(endpoint)#\(String(incarnation, radix: 16))" }

    /// Writes the endpoint then the incarnation.
    public func encode(to writer: inout WireWriter) {
        writer.write(endpoint)
        writer.write(incarnation)
    }

    /// Reads the endpoint then the incarnation.
    public init(from reader: inout WireReader) throws(WireError) {
        endpoint = try reader.read()
        incarnation = try reader.read()
    }
}
