/// Why two nodes could not establish a connection. Both sides get one: the side
/// that refuses says why, and the refused side learns the reason from the peer.
public enum HandshakeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer speaks another protocol version.
    case versionMismatch(local: UInt16, remote: UInt16)
    /// The first bytes were not an Atomic handshake at all.
    case notAtomicPeer
    /// This side requires a cluster secret and the peer offered none.
    case secretRequired
    /// The peer requires a cluster secret and this side has none.
    case peerRequiresSecret
    /// The peer's proof of the cluster secret did not match: a wrong secret.
    case authenticationFailed
    /// The peer refused this side, for `reason` (its own words).
    case refusedByPeer(reason: String)
    /// A handshake message was malformed or out of order.
    case protocolViolation(String)
    /// The handshake did not finish within the timeout.
    case timedOut
    /// Too many handshakes were already in progress on the listener.
    case overloaded

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .versionMismatch(local, remote):
            return "protocol version mismatch: this node speaks \(local), the peer speaks \(remote)"
        case .notAtomicPeer: return "the peer is not an Atomic node"
        case .secretRequired: return "this node requires a cluster secret and the peer offered none"
        case .peerRequiresSecret: return "the peer requires a cluster secret and this node has none"
        case .authenticationFailed: return "cluster secret mismatch: the peer's proof is wrong"
        case let .refusedByPeer(reason): return "refused by peer: \(reason)"
        case let .protocolViolation(detail): return "handshake protocol violation: \(detail)"
        case .timedOut: return "handshake timed out"
        case .overloaded: return "too many handshakes in progress"
        }
    }
}
