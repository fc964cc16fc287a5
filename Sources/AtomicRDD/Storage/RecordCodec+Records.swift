import AtomicTransport

extension RecordCodec {
    /// The records that ``encodeAll(_:)`` wrote into `bytes[range]` (which it
    /// must fill), decoded as they are read instead of into an array first: a
    /// fetched bucket is read by its reducer straight from the bytes it arrived in.
    ///
    /// Records whose memory is their wire form (``isMemoryImage``) are copied
    /// out a chunk at a time into a small buffer on the stack, which the
    /// reducer's loop reads from the L1 cache; their count and length are
    /// checked here. Other records are decoded one by one as they are pulled.
    ///
    /// - Throws: ``WireError`` when the count or length is wrong, here; when a
    ///   record is malformed, as it is read.
    func records(in bytes: [UInt8], range: Range<Int>) throws(WireError) -> Records<Element> {
        var reader = WireReader(bytes, range: range)
        if isMemoryImage {
            let (count, body) = try Self.memoryImage(&reader)
            return Self.memoryImageRecords(bytes, start: body.lowerBound, count: count)
        }
        var left = try reader.readCount(minimumItemSize: 0)
        let count = left, decode = self.decode
        // The next record, while `left` is above zero.
        func decodeNext() throws(WireError) -> Element {
            left -= 1
            let record = try decode(&reader)
            // The records fill the range exactly; bytes left over mean a wrong count.
            if left == 0 { try reader.finish() }
            return record
        }
        return Records(pull: { left > 0 ? try decodeNext() : nil },
                       drain: { body in while left > 0 { try body(try decodeNext()) } },
                       expectedCount: count)
    }

    /// `count` records lying from byte `start` of `bytes` as their memory.
    private static func memoryImageRecords(_ bytes: [UInt8], start: Int, count: Int) -> Records<Element> {
        let stride = MemoryLayout<Element>.stride
        var next = 0
        // Initializes `records` from the next `records.count` records' bytes.
        // The element type is trivial (its memory is its wire form), so a byte
        // copy makes valid values.
        func copyNext(into records: UnsafeMutableBufferPointer<Element>) {
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(records.baseAddress!)
                    .copyMemory(from: raw.baseAddress! + start + next * stride, byteCount: records.count * stride)
            }
            next += records.count
        }
        let chunks: ((UnsafeMutableBufferPointer<Element>) throws -> Void) throws -> Void = { body in
            try withUnsafeTemporaryAllocation(of: Element.self, capacity: Records<Element>.chunkCapacity) { buffer in
                while next < count {
                    let chunk = UnsafeMutableBufferPointer(rebasing: buffer[0..<min(buffer.count, count - next)])
                    copyNext(into: chunk)
                    try body(chunk)
                }
            }
        }
        return Records(pull: {
            guard next < count else { return nil }
            return withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { one in
                copyNext(into: one)
                return one.baseAddress!.move()
            }
        }, drain: { body in
            try chunks { chunk in try Records.take(chunk, body) }
        }, chunks: chunks, expectedCount: count)
    }
}
