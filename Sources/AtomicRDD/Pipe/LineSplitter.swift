import Foundation

/// Cuts chunks of bytes into lines at `\n` (which is dropped), carrying a line
/// cut by a chunk's end over to the next chunk.
struct LineSplitter {
    private var chunk: [UInt8] = []
    private var position = 0
    private var carry: [UInt8] = []

    /// Takes the next chunk; the previous one must be used up (`nextLine()` returned nil).
    mutating func feed(_ data: Data) {
        chunk = [UInt8](data)
        position = 0
    }

    /// The next whole line of the chunks fed so far, or nil if the chunk ran out first.
    mutating func nextLine() -> String? {
        let start = position
        guard start < chunk.count else { return nil }
        let end = chunk.withUnsafeBufferPointer { bytes in
            var index = start
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            return index
        }
        guard end < chunk.count else {
            carry.append(contentsOf: chunk[start...])
            position = chunk.count
            return nil
        }
        position = end + 1
        if carry.isEmpty { return String(decoding: chunk[start..<end], as: UTF8.self) }
        carry.append(contentsOf: chunk[start..<end])
        defer { carry.removeAll(keepingCapacity: true) }
        return String(decoding: carry, as: UTF8.self)
    }

    /// The last line, when the input did not end with `\n`.
    mutating func remainder() -> String? {
        guard !carry.isEmpty else { return nil }
        defer { carry = [] }
        return String(decoding: carry, as: UTF8.self)
    }
}
