import Foundation

/// Reads the lines of one ``FileSplit`` without building a `String` per line:
/// each line is handed to the caller as bytes (no `\n`, no trailing `\r`), valid
/// only during the call.
///
/// Ownership follows ``FileSplit``: the lines that start inside the split, the
/// last of which may run past its end. `\n` and `\r\n` endings, a last line
/// without newline and empty files are handled; a file that changes while read
/// yields whatever bytes were there.
///
/// ```swift
/// var counts = WordCounts()
/// try LineReader.forEachLine(in: split) { line in counts.addWords(in: line) }
/// ```
public enum LineReader {
    /// Calls `body` with each line of `split`, in order.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)``, or what `body` throws.
    /// - Complexity: O(bytes read); each byte is copied once from the file.
    public static func forEachLine(in split: FileSplit, chunkSize: Int = 1 << 20,
                                   _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try forEachBlock(in: split, chunkSize: chunkSize) { block in
            var start = 0
            for index in block.indices where block[index] == 0x0A {
                try emit(UnsafeBufferPointer(rebasing: block[start..<index]), body)
                start = index + 1
            }
            if start < block.count { try emit(UnsafeBufferPointer(rebasing: block[start...]), body) }
        }
    }

    /// Calls `body` with runs of whole lines of `split`, newlines included (the
    /// file's last line may lack one): the fastest way through text when lines
    /// need no separate handling, such as counting words.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)``, or what `body` throws.
    public static func forEachBlock(in split: FileSplit, chunkSize: Int = 1 << 20,
                                    _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: split.path) else {
            throw InputError.unreadable(path: split.path, reason: "cannot open")
        }
        defer { try? handle.close() }
        // Begin one byte early: if that byte ends a line, the split's first line is ours.
        var position = max(0, split.start - 1)
        do { try handle.seek(toOffset: UInt64(position)) } catch {
            throw InputError.unreadable(path: split.path, reason: "\(error)")
        }
        var skipping = split.start > 0
        var carry: [UInt8] = []          // a line that spans chunks
        var carryStart = 0               // file offset where the carried line starts
        var finished = false
        while !finished {
            let data: Data
            do { data = try handle.read(upToCount: chunkSize) ?? Data() } catch {
                throw InputError.unreadable(path: split.path, reason: "\(error)")
            }
            if data.isEmpty { break }
            let chunkOffset = position
            position += data.count
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                var index = 0
                if skipping {
                    guard let newline = bytes.firstIndex(of: 0x0A) else { return }
                    index = newline + 1
                    skipping = false
                }
                if !carry.isEmpty {
                    guard let newline = bytes.firstIndex(of: 0x0A) else {
                        carry.append(contentsOf: bytes)
                        return
                    }
                    carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[...newline]))
                    try carry.withUnsafeBufferPointer { try body($0) }
                    carry.removeAll(keepingCapacity: true)
                    index = newline + 1
                }
                // Lines starting at or after `limit` (a local index) belong to the next split.
                let limit = split.end - chunkOffset
                if index >= limit { finished = true; return }
                guard index < bytes.count else { return }
                // The line holding the split's last byte ends at the first newline from there.
                let last = max(index, limit - 1)
                if last < bytes.count, let newline = bytes[last...].firstIndex(of: 0x0A) {
                    try body(UnsafeBufferPointer(rebasing: bytes[index...newline]))
                    finished = true
                    return
                }
                if let newline = bytes[index...].lastIndex(of: 0x0A) {
                    try body(UnsafeBufferPointer(rebasing: bytes[index...newline]))
                    index = newline + 1
                }
                if index < bytes.count {
                    carryStart = chunkOffset + index
                    carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...]))
                }
            }
        }
        // The last line of the file, with no newline.
        if !finished && !carry.isEmpty && carryStart < split.end {
            try carry.withUnsafeBufferPointer { try body($0) }
        }
    }

    @inline(__always)
    private static func emit(_ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let last = line.last, last == 0x0D {
            try body(UnsafeBufferPointer(rebasing: line[..<(line.count - 1)]))
        } else {
            try body(line)
        }
    }
}
