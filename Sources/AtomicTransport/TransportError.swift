/// Why the transport could not do what was asked. Each case says what happened and,
/// where it has one, to which peer or address.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed with `errno` (see ``IOError``).
    case io(IOError)
    /// `host` could not be resolved to an IPv4 address.
    case unresolvableHost(String)
    /// Connecting to `endpoint` did not succeed within the timeout on any attempt.
    case connectTimedOut(Endpoint, attempts: Int)
    /// Connecting to `endpoint` was refused or failed on every attempt; the last error.
    case connectFailed(Endpoint, attempts: Int, last: IOError)
    /// The peer closed the connection cleanly (it said goodbye).
    case closedByPeer
    /// This side closed the connection.
    case closedLocally
    /// The peer vanished without saying goodbye (process death, reset, network loss).
    case connectionLost(detail: String)
    /// The peer's stream ended in the middle of a frame: it died while sending.
    case peerDiedMidFrame(missingBytes: Int)
    /// The byte stream broke the framing rules; only that connection is closed.
    case framing(FrameError)
    /// The handshake failed; see ``HandshakeError``.
    case handshake(HandshakeError)
    /// The address is already in use, or not available to bind.
    case bindFailed(Endpoint, IOError)
    /// No listener at `endpoint` (in-memory transport), or the node is partitioned away.
    case unreachable(Endpoint)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .io(error): return error.description
        case let .unresolvableHost(host): return "cannot resolve host '\(host)'"
        case let .connectTimedOut(endpoint, attempts):
            return "connecting to \(endpoint) timed out after \(attempts) attempt(s)"
        case let .connectFailed(endpoint, attempts, last):
            return "connecting to \(endpoint) failed after \(attempts) attempt(s): \(last)"
        case .closedByPeer: return "connection closed by peer"
        case .closedLocally: return "connection closed locally"
        case let .connectionLost(detail): return "connection lost: \(detail)"
        case let .peerDiedMidFrame(missing):
            return "peer vanished in the middle of a frame (\(missing) byte(s) missing)"
        case let .framing(error): return "framing error: \(error)"
        case let .handshake(error): return "handshake failed: \(error)"
        case let .bindFailed(endpoint, error): return "cannot listen on \(endpoint): \(error)"
        case let .unreachable(endpoint): return "\(endpoint) is unreachable"
        }
    }
}

/// A failed system call: its name and `errno`.
public struct IOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call that failed, e.g. `"connect"`.
    public var function: String
    /// The `errno` value it left.
    public var errno: Int32
    /// What the C library says of `errno`.
    public var message: String

    /// Creates an error for `function` failing with `errno`.
    public init(function: String, errno: Int32, message: String) {
        self.function = function
        self.errno = errno
        self.message = message
    }

    /// `"connect: Connection refused (errno 111)"`.
    public var description: String { "\(function): \(message) (errno \(errno))" }
}

/// Where a node listens: a host name or IPv4 address and a TCP port (or, for the
/// in-memory transport, any name and number).
public struct Endpoint: Hashable, Sendable, CustomStringConvertible, WireCodable {
    /// Host name or dotted IPv4 address.
    public var host: String
    /// TCP port; 0 asks the system for a free one when listening.
    public var port: UInt16

    /// Creates an endpoint.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `"host:port"`.
    public var description: String { "\(host):\(port)" }

    /// Parses `"host:port"`; nil when malformed.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// Writes host then port.
    public func encode(to writer: inout WireWriter) {
        writer.write(host)
        writer.write(port)
    }

    /// Reads host then port.
    public init(from reader: inout WireReader) throws(WireError) {
        host = try reader.read()
        port = try reader.read()
    }
}
