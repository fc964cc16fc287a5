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
    private var chunk: [UInt8] = []
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

    deinit { try? handle?.close() }

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
        if index == chunk.count { try read() }
        let start = index
        index += recordLength
        offset += recordLength
        return try chunk.withUnsafeBytes { bytes in
            try decode(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + recordLength)]))
        }
    }

    /// Reads the next whole records of the split into `chunk`.
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
        do {
            var data = try handle?.read(upToCount: wanted) ?? Data()
            // A read may return less than asked for; only the end of the file stops it.
            while data.count < wanted, let more = try handle?.read(upToCount: wanted - data.count), !more.isEmpty {
                data.append(more)
            }
            // One copy a chunk buys a plain array to read records from.
            chunk = [UInt8](data)
        } catch {
            throw InputError.unreadable(path: split.path, reason: "\(error)")
        }
        index = 0
        if chunk.count < wanted {
            throw InputError.unreadable(path: split.path, reason: "the file ends at byte \(offset + chunk.count), "
                                        + "inside its split \(split.start)..<\(split.end): it changed since it was listed")
        }
    }

    private func close() {
        try? handle?.close()
        handle = nil
        chunk = []
    }
}
