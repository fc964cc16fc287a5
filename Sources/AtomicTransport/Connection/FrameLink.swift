/// A bidirectional frame pipe before and after its handshake: what the TCP and
/// in-memory transports each implement, and what ``Connection`` wraps.
protocol FrameLink: AnyObject, Sendable {
    /// Frames received, in order.
    var inbox: FrameInbox { get }
    /// Queues `frames` for sending; suspends while the outbound queue is over its bound.
    func send(_ frames: [Frame]) async throws
    /// Queues one frame whose payload is followed on the wire by `tail`.
    func send(_ frame: Frame, tail: FrameTail) async throws
    /// Raises (or lowers) the largest frame accepted from the peer.
    func setMaxInboundFrameSize(_ size: Int)
    /// Sends everything queued, says goodbye and closes.
    func close() async
    /// Closes at once, dropping anything queued; the peer sees a lost connection.
    func abort()
    /// A short name of the link's ends, for logs and errors.
    var label: String { get }
}

extension FrameLink {
    /// Sends the frame with the tail appended to its payload: for links with no
    /// socket to write the tail from its own memory.
    func send(_ frame: Frame, tail: FrameTail) async throws {
        var joined = frame
        joined.payload.append(contentsOf: tail.bytes)
        try await send([joined])
    }
}
