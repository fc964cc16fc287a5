import AtomicTransport

/// Reads the fixed-length records of one record-aligned ``FileSplit`` one at a
/// time, in chunks of about 1 MiB. The file opens at the first pull and closes
/// at the end of the split or when the cursor goes away.
///
/// Not thread-safe: one thread pulls at a time.
final class RecordCursor {
    private let split: FileSplit
    private let recordLength: Int
    private let chunkRecords: Int
    private var file: ReadOnlyFile?
    /// The chunk read: the first `filled` bytes of memory this cursor owns,
    /// allocated at the first read, reused by every later one, freed at the end.
    private var buffer: UnsafeMutableRawPointer?
    private var filled = 0
    private var index = 0
    /// The file offset of the next record.
    private var offset: Int
    private var opened = false

    /// A cursor at the split's first record. The split must start on a record boundary.
    init(split: FileSplit, recordLength: Int, chunkSize: Int = 1 << 20) {
        self.split = split
        self.recordLength = max(1, recordLength)
        self.chunkRecords = max(1, chunkSize / max(1, recordLength))
        self.offset = split.start
    }

    deinit { buffer?.deallocate() }

    /// The next record, or nil at the end of the split.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)``, also when the file ends before the
    ///   split does (it shrank since it was split).
    func next() throws -> [UInt8]? {
        try next { [UInt8]($0) }
    }

    /// The next record as `decode` makes it from the record's bytes (valid only
    /// during the call), or nil at the end of the split.
    ///
    /// - Throws: as ``next()``, and what `decode` throws.
    func next<T>(_ decode: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard recordLength <= split.end - offset else {
            close()
            return nil
        }
        if index == filled { try read() }
        let start = index
        index += recordLength
        offset += recordLength
        // A plain pointer into the buffer: no retain a record, as a view of an array would cost.
        return try decode(UnsafeRawBufferPointer(start: buffer! + start, count: recordLength))
    }

    /// Calls `body` with each remaining record as `decode` makes it, chunk by
    /// chunk, checking `cancellation` every 4,096 records.
    ///
    /// - Throws: as ``next(_:)``, what `body` throws, `CancellationError`.
    func forEach<T>(_ decode: (UnsafeRawBufferPointer) throws -> T, cancellation: CancellationFlag,
                    _ body: (T) throws -> Void) throws {
        var records = 0
        while recordLength <= split.end - offset {
            if index == filled { try read() }
            let chunk = buffer!, length = recordLength
            // The records of the chunk read, positions saved back however the loop ends.
            var (at, position) = (index, offset)
            defer { (index, offset) = (at, position) }
            while at < filled {
                records &+= 1
                if records & 4095 == 0, cancellation.isSet { throw CancellationError() }
                let record = try decode(UnsafeRawBufferPointer(start: chunk + at, count: length))
                at += length
                position += length
                try body(record)
            }
        }
        close()
    }

    /// Reads the next whole records of the split into the buffer.
    private func read() throws {
        if !opened {
            opened = true
            do { file = try ReadOnlyFile(path: split.path) } catch {
                throw InputError.unreadable(path: split.path, reason: "cannot open")
            }
        }
        let wanted = min(chunkRecords, (split.end - offset) / recordLength) * recordLength
        let target = buffer ?? UnsafeMutableRawPointer.allocate(byteCount: chunkRecords * recordLength, alignment: 16)
        buffer = target
        let got: Int
        do {
            // One copy a chunk, the kernel's, into the reused buffer; short only at the end of the file.
            got = try file?.read(into: UnsafeMutableRawBufferPointer(start: target, count: wanted), at: offset) ?? 0
        } catch {
            throw InputError.unreadable(path: split.path, reason: error.description)
        }
        filled = got
        index = 0
        if got < wanted {
            throw InputError.unreadable(path: split.path, reason: "the file ends at byte \(offset + got), "
                                        + "inside its split \(split.start)..<\(split.end): it changed since it was listed")
        }
    }

    private func close() {
        file = nil
        buffer?.deallocate()
        buffer = nil
        filled = 0
        index = 0
    }
}
