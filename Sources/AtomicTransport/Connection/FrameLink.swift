/// A bidirectional frame pipe before and after its handshake: what the TCP and
/// in-memory transports each implement, and what ``Connection`` wraps.
protocol FrameLink: AnyObject, Sendable {
    /// Frames received, in order.
    var inbox: FrameInbox { get }
    /// Queues `frames` for sending; suspends while the outbound queue is over its bound.
    func send(_ frames: [Frame]) async throws
    /// Raises (or lowers) the largest frame accepted from the peer.
    func setMaxInboundFrameSize(_ size: Int)
    /// Sends everything queued, says goodbye and closes.
    func close() async
    /// Closes at once, dropping anything queued; the peer sees a lost connection.
    func abort()
    /// A short name of the link's ends, for logs and errors.
    var label: String { get }
}
