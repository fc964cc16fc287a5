import AtomicTransport

/// Reads the lines of one ``FileSplit`` one at a time, on demand: the pull-based
/// counterpart of ``LineReader``, made for a partition's `Records`.
///
/// It reads the same lines as ``LineReader/forEachLine(in:chunkSize:_:)``: those
/// that start inside the split (the last may run past its end), split at `\n`
/// with a trailing `\r` dropped, the file's last line with or without a newline.
///
/// The file is opened on the first pull, so the I/O happens on the thread that
/// drains the records, and closed at the end of the split or when the cursor goes
/// away. Bytes are read in chunks into one buffer that is reused (and grows only
/// for a line longer than it); a line is handed out as a view of that buffer.
///
/// ```swift
/// let cursor = LineCursor(split: split)
/// while let line = try cursor.nextString() { print(line) }
/// ```
///
/// Not thread-safe: one thread pulls at a time.
final class LineCursor {
    private let split: FileSplit
    private let chunkSize: Int
    private var file: ReadOnlyFile?
    /// Bytes read from the file; `buffer[head..<tail]` are not handed out yet.
    /// Allocated at open, freed at the end of the split (a raw allocation: the
    /// per-line path then has no array uniqueness or bounds checks).
    private var buffer: UnsafeMutablePointer<UInt8>?
    private var capacity = 0
    private var head = 0
    private var tail = 0
    /// The file offset of `buffer[0]`.
    private var bufferOffset = 0
    private var atEndOfFile = false
    private var state = State.unopened

    private enum State {
        /// Nothing read yet: the file opens at the first pull.
        case unopened
        /// `head` is at the start of the next line the split may own.
        case reading
        /// Every line of the split was handed out (or there were none).
        case finished
    }

    /// A cursor at the split's first line. Reads `chunkSize` bytes at a time.
    init(split: FileSplit, chunkSize: Int = 1 << 20) {
        self.split = split
        self.chunkSize = max(1, chunkSize)
    }

    deinit { finish() }

    /// The next line, decoded as UTF-8 (invalid bytes become U+FFFD), or nil at
    /// the end of the split.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)``.
    func nextString() throws -> String? {
        try nextLine { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of the next line (no `\n`, no trailing `\r`),
    /// valid only during the call, and returns its result; nil at the end of the split.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)``, or what `body` throws.
    /// - Complexity: O(line length), amortized over the chunks read.
    func nextLine<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        guard try hasLinesLeft() else { return nil }
        var scanned = 0                  // bytes after `head` known to hold no newline
        while true {
            if let newline = firstNewline(after: scanned) {
                let start = head
                head = newline + 1
                return try emit(start..<newline, body)
            }
            if atEndOfFile {
                // The file's last line, with no newline.
                defer { finish() }
                return head < tail ? try emit(head..<tail, body) : nil
            }
            scanned = tail - head
            try fill()
        }
    }

    /// Opens the file on first use; false once the split has no line left (a
    /// line starting at or after the split's end belongs to the next split).
    private func hasLinesLeft() throws -> Bool {
        switch state {
        case .finished: return false
        case .unopened: try open()
        case .reading: break
        }
        guard state == .reading else { return false }
        guard bufferOffset + head < split.end else {
            finish()
            return false
        }
        return true
    }

    /// The next run of whole lines of the split, newlines included (the file's
    /// last line may lack one), or nil at the end of the split: every line the
    /// buffer holds that the split owns, so a word scanner sees few calls.
    ///
    /// The bytes are a view of the cursor's buffer, valid until the next call.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)``.
    /// - Complexity: O(bytes handed out), amortized over the chunks read.
    func nextBlock() throws -> UnsafeBufferPointer<UInt8>? {
        guard try hasLinesLeft() else { return nil }
        while true {
            guard let bytes = buffer else { preconditionFailure("Internal inconsistency: LineCursor reading without a buffer") }
            // The buffer index of the split's end: the line holding the byte
            // before it is the split's last, ending at the next newline.
            let limit = split.end - bufferOffset
            let end: Int?
            if limit - 1 < tail {
                end = Self.firstNewline(in: bytes, from: Swift.max(head, limit - 1), to: tail)
            } else {
                end = Self.lastNewline(in: bytes, from: head, to: tail)
            }
            if let end {
                let start = head
                head = end + 1
                return UnsafeBufferPointer(start: bytes + start, count: end + 1 - start)
            }
            if atEndOfFile {
                // The file's last line, with no newline; the next call ends the split.
                guard head < tail else {
                    finish()
                    return nil
                }
                let start = head
                head = tail
                return UnsafeBufferPointer(start: bytes + start, count: tail - start)
            }
            try fill()
        }
    }

    // MARK: - Reading

    private func open() throws {
        do { file = try ReadOnlyFile(path: split.path) } catch {
            throw InputError.unreadable(path: split.path, reason: "cannot open")
        }
        // Begin one byte early: if that byte ends a line, the split's first line is ours.
        bufferOffset = max(0, split.start - 1)
        // Room for the split and a line running past its end, up to a chunk.
        // (Compared before adding: a split's length may be near Int.max.)
        capacity = max(1, split.length < chunkSize - 4096 ? split.length + 4096 : chunkSize)
        buffer = .allocate(capacity: capacity)
        state = .reading
        guard split.start > 0 else { return }
        // Skip the rest of the line the previous split owns (up to and including its newline).
        while true {
            if let newline = firstNewline(after: 0) {
                head = newline + 1
                return
            }
            head = tail
            if atEndOfFile {
                finish()
                return
            }
            try fill()
        }
    }

    /// Moves the unread bytes to the front of the buffer (growing it when they
    /// fill it), then reads more after them. Sets `atEndOfFile` when there is no more.
    private func fill() throws {
        guard let bytes = buffer else { preconditionFailure("Internal inconsistency: LineCursor filled before open") }
        if head > 0 {
            let unread = tail - head
            // A memmove: the ranges may overlap.
            if unread > 0 { UnsafeMutableRawPointer(bytes).copyMemory(from: bytes + head, byteCount: unread) }
            bufferOffset += head
            tail = unread
            head = 0
        }
        if tail == capacity {
            // A line longer than the buffer: double it.
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: bytes, count: tail)
            bytes.deallocate()
            buffer = bigger
            capacity *= 2
        }
        guard let file, let current = buffer else { preconditionFailure("Internal inconsistency: LineCursor filled before open") }
        let room = UnsafeMutableRawBufferPointer(start: current + tail, count: min(chunkSize, capacity - tail))
        let got: Int
        do { got = try file.read(into: room, at: bufferOffset + tail) } catch {
            throw InputError.unreadable(path: split.path, reason: error.description)
        }
        if got == 0 {
            atEndOfFile = true
            return
        }
        tail += got
    }

    /// The buffer index of the first `\n` at or after `head + offset`, if one was read.
    private func firstNewline(after offset: Int) -> Int? {
        let from = head + offset, end = tail
        guard from < end, let bytes = buffer else { return nil }
        return Self.firstNewline(in: bytes, from: from, to: end)
    }

    /// The first `\n` in `bytes[from..<end]`, looking at eight bytes at a time.
    ///
    /// A word XOR `0x0A` in every byte has a zero byte where a newline was, and
    /// `(x - 0x01…01) & ~x & 0x80…80` sets the high bit of its lowest zero byte
    /// (bits above it may be set wrongly by the borrow, never bits below).
    static func firstNewline(in bytes: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        let raw = UnsafeRawPointer(bytes)
        var index = from
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let x = word ^ 0x0A0A_0A0A_0A0A_0A0A
            let found = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            if found != 0 { return index + found.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            if bytes[index] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    /// The last `\n` in `bytes[from..<end]`.
    static func lastNewline(in bytes: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var index = end - 1
        while index >= from {
            if bytes[index] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    private func emit<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        guard let bytes = buffer else { preconditionFailure("Internal inconsistency: LineCursor emitted before open") }
        let end = range.upperBound > range.lowerBound && bytes[range.upperBound - 1] == 0x0D
            ? range.upperBound - 1 : range.upperBound
        return try body(UnsafeBufferPointer(start: bytes + range.lowerBound, count: end - range.lowerBound))
    }

    /// Ends the split: no more lines; the file and the buffer are let go.
    private func finish() {
        state = .finished
        file = nil
        buffer?.deallocate()
        buffer = nil
        capacity = 0
    }
}
