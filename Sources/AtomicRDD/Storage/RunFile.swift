import AtomicTransport
import Foundation

/// A file of serialized records in batches, written once and read back as
/// ranges: the format of shuffle spills, sorted runs and disk blocks.
///
/// ```
/// [u32 batch length][varint count][record]...  [u32 batch length]...
/// ```
/// A range of whole batches (a *segment*) holds one reducer's records or one run.
struct RunFileWriter<Element> {
    let path: String
    private let codec: RecordCodec<Element>
    private let handle: FileHandle
    private var batch = WireWriter(capacity: 1 << 16)
    private var batchCount = 0
    private var segmentStart = 0
    private(set) var written = 0
    static var batchBytes: Int { 1 << 16 }

    init(path: String, codec: RecordCodec<Element>) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw EngineError.spillFailed(path: path, reason: "cannot create file")
        }
        self.path = path
        self.codec = codec
        self.handle = handle
    }

    /// Appends one record.
    mutating func append(_ record: Element) throws {
        codec.encode(record, &batch)
        batchCount += 1
        if batch.count >= Self.batchBytes { try flushBatch() }
    }

    /// Appends `records` in order, as ``append(_:)`` would one by one; records
    /// whose memory is their wire form (``RecordCodec/isMemoryImage``) are
    /// copied into the batch as many at a time as fit, not encoded one by one.
    mutating func append(contentsOf records: [Element]) throws {
        guard codec.isMemoryImage else {
            for record in records { try append(record) }
            return
        }
        let stride = MemoryLayout<Element>.stride
        try records.withUnsafeBytes { raw in
            var next = 0
            while next < records.count {
                let taken = min(records.count - next, max(1, (Self.batchBytes - batch.count) / stride))
                batch.writeRaw(UnsafeRawBufferPointer(rebasing: raw[next * stride..<(next + taken) * stride]))
                batchCount += taken
                next += taken
                if batch.count >= Self.batchBytes { try flushBatch() }
            }
        }
    }

    /// Ends the current segment; returns its byte range in the file.
    mutating func endSegment() throws -> Range<Int> {
        try flushBatch()
        defer { segmentStart = written }
        return segmentStart..<written
    }

    /// Writes `bytes` as they are after the records written so far (a file's
    /// own trailer), ending the current batch first.
    mutating func writeRaw(_ bytes: [UInt8]) throws {
        try flushBatch()
        do { try handle.write(contentsOf: Data(bytes)) } catch {
            throw EngineError.spillFailed(path: path, reason: "\(error)")
        }
        written += bytes.count
    }

    /// Closes the file.
    func close() throws {
        do { try handle.close() } catch { throw EngineError.spillFailed(path: path, reason: "\(error)") }
    }

    private mutating func flushBatch() throws {
        guard batchCount > 0 else { return }
        var head = WireWriter(capacity: 16)
        var countBytes = WireWriter(capacity: 10)
        countBytes.writeVarint(UInt64(batchCount))
        head.writeFixed(UInt32(countBytes.count + batch.count))
        head.writeRaw(countBytes.bytes)
        var data = Data(head.bytes)
        data.append(contentsOf: batch.bytes)
        do { try handle.write(contentsOf: data) } catch {
            throw EngineError.spillFailed(path: path, reason: "\(error)")
        }
        written += data.count
        batch = WireWriter(capacity: 1 << 16)
        batchCount = 0
    }
}

/// A segment of a run file: path and byte range.
struct RunSegment: Sendable, Hashable {
    var path: String
    var range: Range<Int>
    var bytes: Int { range.count }
}

/// Reads a segment back, one batch in memory at a time.
enum RunFileReader {
    /// The records of `segment`, decoded lazily.
    static func records<Element>(_ segment: RunSegment, codec: RecordCodec<Element>) throws -> Records<Element> {
        guard !segment.range.isEmpty else { return .empty }
        var file: ReadOnlyFile? = try open(segment)
        var position = segment.range.lowerBound
        var reader = WireReader([])
        var left = 0
        return Records {
            while left == 0 {
                guard position < segment.range.upperBound, let open = file else {
                    file = nil
                    return nil
                }
                guard segment.range.upperBound - position >= 4 else {
                    throw EngineError.corruptFile(path: segment.path, reason: "a batch header past the segment's end")
                }
                let head = try read(open, at: position, 4, segment)
                let length = Int(UInt32(littleEndian: head.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
                // Checked before allocating: a corrupt length would otherwise ask for up to 4 GiB.
                guard length <= segment.range.upperBound - position - 4 else {
                    throw EngineError.corruptFile(path: segment.path, reason: "a batch of \(length) bytes past the segment's end")
                }
                let payload = try read(open, at: position + 4, length, segment)
                position += 4 + length
                reader = WireReader(payload)
                do { left = try reader.readCount(minimumItemSize: 0) } catch {
                    throw EngineError.corruptFile(path: segment.path, reason: "\(error)")
                }
            }
            left -= 1
            do {
                let record = try codec.decode(&reader)
                // A batch's records fill it exactly; bytes left over mean a corrupt count.
                if left == 0 { try reader.finish() }
                return record
            } catch {
                throw EngineError.corruptFile(path: segment.path, reason: "\(error)")
            }
        }
    }

    /// Segments smaller than this are read into the reply rather than mapped:
    /// a mapping's set-up and tear-down cost more than copying so few bytes.
    static let mappingThreshold = 64 << 10

    /// The records of `segment`, to be sent from the file's pages without
    /// decoding a record: their number (the batches' counts added up) and the
    /// record bytes of each batch, in a mapping of the segment (read into owned
    /// bytes when the segment is under ``mappingThreshold``). Written after a
    /// varint of the number, they are what ``RecordCodec/decodeAll(_:)`` reads.
    /// Only the batches' heads are read here (a few bytes each, with `pread`,
    /// so a read error is an error and not a fault); the records are copied
    /// once, by the kernel, into the socket they are sent to.
    ///
    /// - Throws: ``EngineError/spillFailed(path:reason:)`` when the file cannot
    ///   be read or mapped; ``EngineError/corruptFile(path:reason:)`` for a
    ///   batch head that does not fit the segment or a file shorter than it.
    static func mappedRecords(_ segment: RunSegment) throws -> (count: Int, records: FrameTail) {
        guard !segment.range.isEmpty else { return (0, FrameTail(bytes: [])) }
        let file = try open(segment)
        let end = segment.range.upperBound
        var bodies: [Range<Int>] = []
        var total = 0, position = segment.range.lowerBound
        var head = [UInt8](repeating: 0, count: 14)
        do {
            while position < end {
                // A batch head: its length (4 bytes) and its count (a varint of up to 10).
                let got = min(head.count, end - position)
                guard got >= 5 else { throw EngineError.corruptFile(path: segment.path, reason: "truncated batch head") }
                try head.withUnsafeMutableBytes { try read(file, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<got]), at: position, segment) }
                let length = head.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
                guard length <= end - position - 4 else { throw EngineError.corruptFile(path: segment.path, reason: "truncated batch") }
                var reader = WireReader(head, range: 4..<min(got, 4 + length))
                let count = try reader.readVarint()
                guard count <= UInt64(Int.max), case (let sum, false) = total.addingReportingOverflow(Int(count)) else {
                    throw EngineError.corruptFile(path: segment.path, reason: "a batch count of \(count)")
                }
                total = sum
                bodies.append(position + reader.offset..<position + 4 + length)
                position += 4 + length
            }
        } catch let error as WireError {
            throw EngineError.corruptFile(path: segment.path, reason: "\(error)")
        }
        if segment.range.count < mappingThreshold {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(bodies.reduce(0) { $0 + $1.count })
            for body in bodies { bytes += try read(file, at: body.lowerBound, body.count, segment) }
            return (total, FrameTail(bytes: bytes))
        }
        // The last batch's head was read whole, but its records may lie past the file's end.
        let size: Int
        do { size = try file.size() } catch {
            throw EngineError.spillFailed(path: segment.path, reason: "\(error)")
        }
        guard size >= end else {
            throw EngineError.corruptFile(path: segment.path, reason: "a segment ending at \(end) in a file of \(size) bytes")
        }
        do {
            return (total, FrameTail(mappedFile: try MappedFile(file: file, range: segment.range), ranges: bodies))
        } catch {
            throw EngineError.spillFailed(path: segment.path, reason: "cannot map \(segment.range) for reading: \(error)")
        }
    }

    /// The segment's file, open for reading.
    private static func open(_ segment: RunSegment) throws -> ReadOnlyFile {
        do { return try ReadOnlyFile(path: segment.path) } catch {
            throw EngineError.spillFailed(path: segment.path, reason: "cannot open for reading: \(error.message)")
        }
    }

    /// `count` bytes of the file at `offset`, read straight into the array.
    private static func read(_ file: ReadOnlyFile, at offset: Int, _ count: Int, _ segment: RunSegment) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(file, into: UnsafeMutableRawBufferPointer(buffer), at: offset, segment)
            initialized = count
        }
    }

    /// Fills `buffer` from the file at `offset`.
    ///
    /// - Throws: ``EngineError/spillFailed(path:reason:)`` for a read error,
    ///   ``EngineError/corruptFile(path:reason:)`` when the file ends first.
    private static func read(_ file: ReadOnlyFile, into buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                             _ segment: RunSegment) throws {
        let got: Int
        do { got = try file.read(into: buffer, at: offset) } catch {
            throw EngineError.spillFailed(path: segment.path, reason: error.description)
        }
        guard got == buffer.count else { throw EngineError.corruptFile(path: segment.path, reason: "truncated batch") }
    }
}
