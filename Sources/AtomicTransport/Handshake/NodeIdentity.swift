/// Who a node is: where it listens, and which start of the process at that
/// address this is.
///
/// A node restarted on the same host and port gets a new ``incarnation``, so it
/// is never mistaken for the process that was there before.
public struct NodeIdentity: Hashable, Sendable, CustomStringConvertible, WireCodable {
    /// Where the node accepts connections.
    public var endpoint: Endpoint
    /// Distinguishes successive processes at the same endpoint.
    public var incarnation: UInt64

    /// Creates an identity; a random incarnation by default.
    public init(endpoint: Endpoint, incarnation: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.endpoint = endpoint
        self.incarnation = incarnation
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
