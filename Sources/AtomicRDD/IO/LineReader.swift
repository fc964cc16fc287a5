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
        var lineStartsBeforeEnd = true
        while true {
            let data: Data
            do { data = try handle.read(upToCount: chunkSize) ?? Data() } catch {
                throw InputError.unreadable(path: split.path, reason: "\(error)")
            }
            if data.isEmpty { break }
            let chunkOffset = position
            position += data.count
            var finished = false
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                var index = 0
                if skipping {
                    guard let newline = bytes.firstIndex(of: 0x0A) else { index = bytes.count; return }
                    index = newline + 1
                    skipping = false
                    carryStart = chunkOffset + index
                }
                while index < bytes.count {
                    let lineStart = carry.isEmpty ? chunkOffset + index : carryStart
                    if lineStart >= split.end { finished = true; return }
                    guard let newline = bytes[index...].firstIndex(of: 0x0A) else {
                        if carry.isEmpty { carryStart = chunkOffset + index }
                        carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...]))
                        return
                    }
                    if carry.isEmpty {
                        try emit(UnsafeBufferPointer(rebasing: bytes[index..<newline]), body)
                    } else {
                        carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<newline]))
                        try carry.withUnsafeBufferPointer { try emit($0, body) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    index = newline + 1
                }
                lineStartsBeforeEnd = carryStartOrNext(chunkOffset + bytes.count) < split.end
            }
            if finished { return }
            if skipping { continue }
            if carry.isEmpty && !lineStartsBeforeEnd && position >= split.end { return }
        }
        // The last line of the file, with no newline.
        if !carry.isEmpty && carryStart < split.end {
            try carry.withUnsafeBufferPointer { try emit($0, body) }
        }

        func carryStartOrNext(_ next: Int) -> Int { carry.isEmpty ? next : carryStart }
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
