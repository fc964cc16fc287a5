import Foundation

/// Reads the fixed-length records of one record-aligned ``FileSplit`` one at a
/// time, in chunks of about 1 MiB. The file opens at the first pull and closes
/// at the end of the split or when the cursor goes away.
///
/// Not thread-safe: one thread pulls at a time.
final class RecordCursor {
    private let split: FileSplit
    private let recordLength: Int
    private let chunkRecords: Int
    private var handle: FileHandle?
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

    deinit {
        try? handle?.close()
        buffer?.deallocate()
    }

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
        guard offset + recordLength <= split.end else {
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

    /// Reads the next whole records of the split into the buffer.
    private func read() throws {
        if !opened {
            opened = true
            guard let file = FileHandle(forReadingAtPath: split.path) else {
                throw InputError.unreadable(path: split.path, reason: "cannot open")
            }
            handle = file
            do { try file.seek(toOffset: UInt64(split.start)) } catch {
                throw InputError.unreadable(path: split.path, reason: "\(error)")
            }
        }
        let wanted = min(chunkRecords, (split.end - offset) / recordLength) * recordLength
        let target = buffer ?? UnsafeMutableRawPointer.allocate(byteCount: chunkRecords * recordLength, alignment: 16)
        buffer = target
        var got = 0
        do {
            // A read may return less than asked for; only the end of the file stops it.
            // One copy a chunk, into the reused buffer.
            while got < wanted, let data = try handle?.read(upToCount: wanted - got), !data.isEmpty {
                data.copyBytes(to: (target + got).assumingMemoryBound(to: UInt8.self), count: data.count)
                got += data.count
            }
        } catch {
            throw InputError.unreadable(path: split.path, reason: "\(error)")
        }
        filled = got
        index = 0
        if got < wanted {
            throw InputError.unreadable(path: split.path, reason: "the file ends at byte \(offset + got), "
                                        + "inside its split \(split.start)..<\(split.end): it changed since it was listed")
        }
    }

    private func close() {
        try? handle?.close()
        handle = nil
        buffer?.deallocate()
        buffer = nil
        filled = 0
        index = 0
    }
}
