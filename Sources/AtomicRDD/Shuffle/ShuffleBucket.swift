import AtomicTransport

/// The wire form of one map output's bucket for one reducer, as a worker serves
/// it to a reducer on another node: the bucket's pieces (its records kept in
/// memory, then each spill segment), each in the form ``RecordCodec/encodeAll(_:)``
/// makes, so pieces in key order stay whole for the reducer's merge.
///
/// ```
///  +--------------+----------------+-----------------+----------------+-----
///  | piece count  | piece 0 length | piece 0 bytes   | piece 1 length | ...
///  | varint       | UInt32         | [count][records]| UInt32         |
///  +--------------+----------------+-----------------+----------------+-----
/// ```
///
/// Lengths are fixed-width so that a piece is encoded straight into the bucket's
/// buffer and its length filled in after, and read back as a range of the
/// received bytes: no piece is copied on its own.
enum ShuffleBucket {
    /// Appends a piece written by `body` (which must write one ``RecordCodec/encodeAll(_:into:)``).
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` for a piece of 4 GiB or more.
    static func writePiece(into writer: inout WireWriter, _ body: (inout WireWriter) throws -> Void) throws {
        let at = writer.count
        writer.writeFixed(UInt32(0))
        try body(&writer)
        let length = writer.count - at - 4
        guard length <= Int(UInt32.max) else {
            throw EngineError.invalidArgument(operation: "shuffle fetch", reason: "a bucket piece of \(length) bytes (4 GiB at most)")
        }
        writer.overwriteFixed(UInt32(length), at: at)
    }

    /// The byte ranges of the pieces in `bytes`, checked against its length.
    ///
    /// - Throws: ``WireError`` when the bytes are not a whole bucket.
    static func pieces(of bytes: [UInt8]) throws(WireError) -> [Range<Int>] {
        var reader = WireReader(bytes)
        let count = try reader.readCount(minimumItemSize: 4)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(count)
        for _ in 0..<count {
            let length = try reader.readFixed(UInt32.self)
            ranges.append(try reader.readRawRange(count: Int(length)))
        }
        try reader.finish()
        return ranges
    }
}

/// One bucket encoded for sending (see ``ShuffleBucket``): its bytes, and the
/// parts sent from where they lie after those bytes instead of being copied
/// into them (records whose memory is their wire form, spill files' pages).
struct EncodedBucket: Sendable {
    /// The bucket, or the part of it before `tail`.
    var bytes: [UInt8]
    /// The rest of the bucket, sent from its own buffers.
    var tail: FrameTail?

    /// Bytes on the wire.
    var count: Int { bytes.count + (tail?.count ?? 0) }

    /// The whole bucket in one array (a copy of the tail).
    var joined: [UInt8] { bytes + (tail?.bytes ?? []) }
}

/// Makes an ``EncodedBucket`` a piece at a time: pieces encoded here are
/// written into the bucket's bytes; pieces already in their wire form
/// elsewhere get their few head bytes written and are sent from where they lie.
struct BucketBuilder {
    private var writer = WireWriter(capacity: 64)
    private var head: [UInt8]?
    private var tails: [FrameTail] = []

    /// A bucket of `pieces` pieces.
    init(pieces: Int) {
        writer.writeVarint(UInt64(pieces))
    }

    /// Appends a piece written by `body` (one ``RecordCodec/encodeAll(_:into:)``),
    /// with room reserved for about `estimate` bytes.
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` for a piece of 4 GiB or more.
    mutating func appendPiece(estimate: Int, _ body: (inout WireWriter) throws -> Void) throws {
        writer.reserve(estimate + 16)
        try ShuffleBucket.writePiece(into: &writer, body)
    }

    /// Appends a piece of `count` records whose wire form is `records`, sent from where it lies.
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` for a piece of 4 GiB or more.
    mutating func appendPiece(count: Int, records: FrameTail) throws {
        var counted = WireWriter(capacity: 16)
        counted.writeVarint(UInt64(count))
        let length = counted.count + records.count
        guard length <= Int(UInt32.max) else {
            throw EngineError.invalidArgument(operation: "shuffle fetch", reason: "a bucket piece of \(length) bytes (4 GiB at most)")
        }
        writer.writeFixed(UInt32(length))
        writer.writeRaw(counted.take())
        guard records.count > 0 else { return }
        takeWritten()
        tails.append(records)
    }

    /// The bucket.
    consuming func finished() -> EncodedBucket {
        guard head != nil else { return EncodedBucket(bytes: writer.take()) }
        takeWritten()
        return EncodedBucket(bytes: head ?? [], tail: FrameTail(tails))
    }

    /// Moves the bytes written so far to the bucket's bytes (the first time) or its tail.
    private mutating func takeWritten() {
        if head == nil {
            head = writer.take()
        } else if writer.count > 0 {
            tails.append(FrameTail(bytes: writer.take()))
        }
    }
}
