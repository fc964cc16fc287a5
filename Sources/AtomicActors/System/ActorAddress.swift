@_exported import AtomicTransport
@_exported import Distributed

/// The identity of a distributed actor: the node it lives on and a path on that node.
///
/// Per-node services live at well-known paths (see ``WellKnownPath``), so a caller
/// can resolve "the executor on node X" without asking anybody:
///
/// ```swift
/// let executor = try Executor.resolve(id: ActorAddress(node: worker, path: WellKnownPath.executor), using: system)
/// ```
public struct ActorAddress: Hashable, Sendable, CustomStringConvertible, WireCodable {
    /// The node (endpoint and incarnation) the actor lives on.
    public var node: NodeIdentity
    /// The actor's path on its node, e.g. `"/system/executor"` or `"/user/42"`.
    public var path: String

    /// Creates an address.
    public init(node: NodeIdentity, path: String) {
        self.node = node
        self.path = path
    }

    /// `"atomic://host:port#incarnation/path"`.
    public var description: String { "atomic://\(node)\(path)" }

    /// Writes the node then the path.
    public func encode(to writer: inout WireWriter) {
        writer.write(node)
        writer.write(path)
    }

    /// Reads the node then the path.
    public init(from reader: inout WireReader) throws(WireError) {
        node = try reader.read()
        path = try reader.read()
    }
}

/// Paths of the per-node services, the same on every node.
public enum WellKnownPath {
    /// The node's executor.
    public static let executor = "/system/executor"
    /// The node's shuffle manager.
    public static let shuffleManager = "/system/shuffle"
    /// The node's block manager.
    public static let blockManager = "/system/blocks"
    /// The driver's scheduler endpoint that workers register with.
    public static let driver = "/system/driver"
}
