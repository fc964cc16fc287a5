/// Splits a byte stream into ``Frame``s, incrementally and without trusting it.
///
/// A pure state machine: feed it whatever bytes arrived, in any split, and it
/// returns the frames they complete. The length prefix is checked against
/// ``maxFrameSize`` before the payload is allocated, so a hostile prefix costs
/// nothing. Large payloads can be read straight into their final storage with
/// ``readPayloadDirectly(_:)``, which saves a copy per byte on bulk transfers.
public struct FrameDecoder: Sendable {
    /// The default limit on one frame's size (header plus payload): 64 MiB.
    public static let defaultMaxFrameSize = 64 << 20

    /// Frames whose length exceeds this are refused with ``FrameError/frameTooLarge(length:limit:)``.
    public var maxFrameSize: Int

    /// The 16 bytes of prefix and header being accumulated.
    private var head: [UInt8] = []
    /// The frame whose payload is being filled, when the head is complete.
    private var pending: Frame?
    /// How many payload bytes of `pending` are filled.
    private var filled = 0

    /// Creates a decoder that refuses frames larger than `maxFrameSize` bytes.
    public init(maxFrameSize: Int = FrameDecoder.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
        head.reserveCapacity(Frame.overhead)
    }

    /// Payload bytes still missing from the frame in progress (0 between frames).
    public var missingPayloadBytes: Int {
        guard let pending else { return 0 }
        return pending.payload.count - filled
    }

    /// Whether the decoder holds part of a frame.
    public var isMidFrame: Bool { pending != nil || !head.isEmpty }

    /// Consumes all of `bytes`, appending each frame they complete to `frames`.
    ///
    /// - Throws: ``FrameError`` on a frame that is too large, too short or of an
    ///   unknown version; the stream cannot be resynchronized after that.
    /// - Complexity: O(n) in the bytes given; each payload byte is copied once.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into frames: inout [Frame]) throws(FrameError) {
        var index = 0
        while index < bytes.count {
            if pending == nil {
                let take = min(Frame.overhead - head.count, bytes.count - index)
                head.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                guard head.count == Frame.overhead else { return }
                try startFrame()
                if let done = finishIfComplete() { frames.append(done) }
                continue
            }
            let take = min(missingPayloadBytes, bytes.count - index)
            pending!.payload.withUnsafeMutableBytes { payload in
                payload.baseAddress!.advanced(by: filled)
                    .copyMemory(from: bytes.baseAddress!.advanced(by: index), byteCount: take)
            }
            filled += take
            index += take
            if let done = finishIfComplete() { frames.append(done) }
        }
    }

    /// Convenience for arrays: consumes `bytes` and returns the frames completed.
    public mutating func feed(_ bytes: [UInt8]) throws(FrameError) -> [Frame] {
        var frames: [Frame] = []
        var failure: FrameError?
        bytes.withUnsafeBytes { raw in
            do throws(FrameError) { try feed(raw, into: &frames) } catch { failure = error }
        }
        if let failure { throw failure }
        return frames
    }

    /// Lets `read` fill the missing payload bytes of the frame in progress directly,
    /// returning the frame if it is now complete.
    ///
    /// `read` receives the unfilled region and returns how many bytes it wrote
    /// (0 or a negative value for none). Call only when ``missingPayloadBytes`` > 0.
    public mutating func readPayloadDirectly(_ read: (UnsafeMutableRawBufferPointer) -> Int) -> (count: Int, frame: Frame?) {
        precondition(pending != nil, "Internal inconsistency: no payload in progress")
        let start = filled
        let n = pending!.payload.withUnsafeMutableBytes { payload in
            read(UnsafeMutableRawBufferPointer(rebasing: payload[start...]))
        }
        guard n > 0 else { return (n, nil) }
        filled += n
        return (n, finishIfComplete())
    }

    private mutating func startFrame() throws(FrameError) {
        let (length, version, kind, flags, correlation) = head.withUnsafeBytes { raw in
            (Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))),
             raw[4], raw[5],
             UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 6, as: UInt16.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        guard length <= maxFrameSize else { throw .frameTooLarge(length: length, limit: maxFrameSize) }
        guard length >= Frame.headerSize else { throw .frameTooShort(length: length) }
        guard version == Frame.currentVersion else { throw .unsupportedVersion(version) }
        let size = length - Frame.headerSize
        // Every byte is written by `feed` or `readPayloadDirectly` before the frame
        // is handed out, so the storage need not be zeroed first.
        let payload = [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
        pending = Frame(kind: FrameKind(rawValue: kind), flags: flags, correlationID: correlation, payload: payload)
        filled = 0
        head.removeAll(keepingCapacity: true)
    }

    private mutating func finishIfComplete() -> Frame? {
        guard let frame = pending, filled == frame.payload.count else { return nil }
        pending = nil
        filled = 0
        return frame
    }
}
