/// Why a call to a distributed actor on another node failed.
public enum RemoteCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The callee threw; its error's type name and description, carried back.
    case remote(typeName: String, message: String)
    /// No reply within the call's timeout.
    case timedOut(target: String, node: NodeIdentity, after: Duration)
    /// The callee's node is down, or was lost during the call.
    case nodeDown(NodeIdentity)
    /// The callee's node could not be reached; the transport's reason.
    case nodeUnreachable(NodeIdentity, reason: String)
    /// No actor lives at that address on the callee's node.
    case actorNotFound(ActorAddress)
    /// The callee could not decode or find the invoked function (different build?).
    case invocationFailed(target: String, reason: String)
    /// A reply could not be decoded.
    case malformedReply(String)
    /// The actor system was shut down.
    case systemShutDown

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .remote(typeName, message): return "remote \(typeName): \(message)"
        case let .timedOut(target, node, after): return "call \(target) to \(node) timed out after \(after)"
        case let .nodeDown(node): return "node \(node) is down"
        case let .nodeUnreachable(node, reason): return "node \(node) is unreachable: \(reason)"
        case let .actorNotFound(address): return "no actor at \(address)"
        case let .invocationFailed(target, reason): return "cannot invoke \(target): \(reason)"
        case let .malformedReply(reason): return "malformed reply: \(reason)"
        case .systemShutDown: return "the actor system is shut down"
        }
    }
}
