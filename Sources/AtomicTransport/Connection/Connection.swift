/// An established, authenticated connection to another node: frames out with
/// ``send(_:)``, frames in through ``inbound``.
///
/// Obtained from ``Transport/connect(to:)`` or a ``Listener``'s accepted
/// connections, only after the handshake succeeded: no frame from a peer that
/// failed it is ever delivered.
///
/// ```swift
/// let connection = try await transport.connect(to: Endpoint(host: "127.0.0.1", port: 7077))
/// try await connection.send(Frame(kind: .message, payload: [1, 2, 3]))
/// for try await frame in connection.inbound { handle(frame) }
/// ```
///
/// Endings: when the peer closes cleanly, ``inbound`` finishes (returns nil) and
/// later sends throw ``TransportError/closedByPeer``. When the peer vanishes
/// (killed, reset, mid-frame), ``inbound`` throws ``TransportError/connectionLost(detail:)``
/// or ``TransportError/peerDiedMidFrame(missingBytes:)`` after the frames already
/// received, and so do later sends.
public final class Connection: Sendable, CustomStringConvertible {
    let link: any FrameLink
    /// This node, as presented in the handshake.
    public let local: NodeIdentity
    /// The peer, as it presented itself in the handshake.
    public let remote: NodeIdentity

    init(link: any FrameLink, local: NodeIdentity, remote: NodeIdentity) {
        self.link = link
        self.local = local
        self.remote = remote
    }

    /// Queues one frame; returns once it is queued (not once the peer has it).
    /// Suspends while the connection's outbound bytes are over their bound.
    ///
    /// - Throws: ``TransportError`` when the connection is closed or lost.
    public func send(_ frame: Frame) async throws {
        try await link.send([frame])
    }

    /// Queues one frame whose payload is followed on the wire by `tail`, written
    /// from the tail's own memory with no copy; the peer receives one frame
    /// whose payload is both. For bulk data (shuffle blocks).
    ///
    /// - Throws: ``TransportError`` when the connection is closed or lost.
    public func send(_ frame: Frame, tail: FrameTail) async throws {
        try await link.send(frame, tail: tail)
    }

    /// Queues several frames at once; they leave in as few system calls as possible.
    public func send(_ frames: [Frame]) async throws {
        try await link.send(frames)
    }

    /// The frames the peer sends, in order.
    public var inbound: InboundFrames { InboundFrames(inbox: link.inbox) }

    /// Sends what is queued, tells the peer goodbye and closes. Idempotent.
    public func close() async {
        await link.close()
    }

    /// Closes at once without goodbye, as if this process had died (the peer sees
    /// a lost connection). Idempotent.
    public func abort() {
        link.abort()
    }

    /// `"Connection(local -> remote)"`.
    public var description: String { "Connection(\(local) -> \(remote))" }
}

/// The frames received on one ``Connection``, as an `AsyncSequence`.
///
/// Several iterators may read the same connection; each frame goes to exactly one.
public struct InboundFrames: AsyncSequence, Sendable {
    /// Frames.
    public typealias Element = Frame
    let inbox: FrameInbox

    /// Reads the next frame, suspending until one arrives.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let inbox: FrameInbox
        /// The next frame, or nil after a clean close.
        public mutating func next() async throws -> Frame? { try await inbox.next() }
    }

    /// An iterator over the frames.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inbox: inbox) }

    /// All frames already received (up to `max`) without waiting, or the next one
    /// to arrive when none are queued; empty after a clean close. Lets a consumer
    /// handle a burst per wake-up instead of one frame per suspension.
    public func nextBatch(max: Int = .max) async throws -> [Frame] {
        try await inbox.nextBatch(max: max)
    }
}
