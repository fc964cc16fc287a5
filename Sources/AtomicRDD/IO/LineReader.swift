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
        let cursor = LineCursor(split: split, chunkSize: chunkSize)
        while let block = try cursor.nextBlock() { try body(block) }
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
