/// What a frame carries, so a connection can multiplex handshakes, actor calls,
/// replies and bulk blocks. Layers above define their own kinds from 16 upwards.
public struct FrameKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte on the wire.
    public var rawValue: UInt8
    /// Wraps a wire byte.
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Handshake messages, exchanged before any other frame is delivered.
    public static let handshake = FrameKind(rawValue: 0)
    /// Opaque application data (the default).
    public static let data = FrameKind(rawValue: 1)
    /// A request that expects a reply with the same correlation id.
    public static let request = FrameKind(rawValue: 2)
    /// A reply to a request.
    public static let reply = FrameKind(rawValue: 3)
    /// A one-way message.
    public static let message = FrameKind(rawValue: 4)
    /// A liveness probe.
    public static let heartbeat = FrameKind(rawValue: 5)
    /// A bulk block (shuffle data, task results, broadcast pieces).
    public static let block = FrameKind(rawValue: 6)
    /// A clean close: the transport sends it before closing and never delivers it.
    public static let goodbye = FrameKind(rawValue: 7)

    /// The kind's wire byte, for logs.
    public var description: String { "kind(\(rawValue))" }
}

/// One length-prefixed binary frame: a small versioned header and a payload.
///
/// Wire layout (all integers little-endian):
///
/// ```
///  0        4         5      6        8                 16
///  +--------+---------+------+--------+-----------------+---------------+
///  | length | version | kind | flags  | correlation id  | payload ...   |
///  | UInt32 | UInt8   | UInt8| UInt16 | UInt64          | length-12 B   |
///  +--------+---------+------+--------+-----------------+---------------+
/// ```
///
/// `length` counts the 12 header bytes after it plus the payload.
public struct Frame: Sendable, Equatable {
    /// The wire-format version this build speaks.
    public static let currentVersion: UInt8 = 1
    /// Bytes of the length prefix.
    public static let prefixSize = 4
    /// Bytes of the header after the length prefix.
    public static let headerSize = 12
    /// Bytes before the payload: prefix plus header.
    public static let overhead = prefixSize + headerSize

    /// What the frame carries.
    public var kind: FrameKind
    /// Per-kind flags; meaning is up to the layer that owns the kind.
    public var flags: UInt16
    /// Matches replies to requests; 0 when unused.
    public var correlationID: UInt64
    /// The frame's body.
    public var payload: [UInt8]

    /// Creates a frame.
    @inlinable
    public init(kind: FrameKind = .data, flags: UInt16 = 0, correlationID: UInt64 = 0, payload: [UInt8] = []) {
        self.kind = kind
        self.flags = flags
        self.correlationID = correlationID
        self.payload = payload
    }

    /// The frame's size on the wire, prefix included.
    @inlinable public var wireSize: Int { Frame.overhead + payload.count }

    /// Writes the 16 bytes that precede the payload into `out`.
    /// `tailCount` bytes sent after the payload (see ``FrameTail``) are counted in the length.
    @inlinable
    func writeHead(into out: UnsafeMutableRawBufferPointer, tailCount: Int = 0) {
        precondition(out.count >= Frame.overhead, "Internal inconsistency: head buffer too small")
        out.storeBytes(of: UInt32(Frame.headerSize + payload.count + tailCount).littleEndian, toByteOffset: 0, as: UInt32.self)
        out.storeBytes(of: Frame.currentVersion, toByteOffset: 4, as: UInt8.self)
        out.storeBytes(of: kind.rawValue, toByteOffset: 5, as: UInt8.self)
        out.storeBytes(of: flags.littleEndian, toByteOffset: 6, as: UInt16.self)
        out.storeBytes(of: correlationID.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// Appends the whole frame, prefix included, to `bytes`.
    public func append(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Frame.overhead))
        bytes.withUnsafeMutableBytes { raw in
            writeHead(into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + Frame.overhead)]))
        }
        bytes.append(contentsOf: payload)
    }

    /// The whole frame as bytes, prefix included.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(wireSize)
        append(to: &bytes)
        return bytes
    }
}
