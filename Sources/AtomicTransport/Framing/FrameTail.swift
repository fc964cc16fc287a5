/// Bytes that follow a frame's payload on the wire without being copied into
/// it: buffers of the sender's own, such as an array of records whose memory
/// is their wire form or ranges of a mapped file, written to the socket from
/// where they lie (one `sendmsg` gathers them).
///
/// The receiver sees one frame whose payload is the payload followed by the tail.
///
/// ```swift
/// let records: [(Int, Int)] = ...
/// try await connection.send(Frame(kind: .block, payload: head), tail: FrameTail(memoryOf: records))
/// let parts = FrameTail([FrameTail(bytes: count), FrameTail(mappedFile: file, ranges: bodies)])
/// ```
public struct FrameTail: Sendable {
    /// One part: its size and how to reach its buffers.
    private struct Part: Sendable {
        var count: Int
        var access: @Sendable (([UnsafeRawBufferPointer]) -> Void) -> Void
    }

    /// Bytes in the tail.
    public let count: Int
    private let parts: [Part]

    private init(parts: [Part]) {
        self.parts = parts
        count = parts.reduce(0) { $0 + $1.count }
    }

    /// The memory of `elements`, as it lies; the array is kept until sent.
    /// Only for element types whose memory is their wire form: no padding, no
    /// references, little-endian (such as a pair of `Int`s).
    public init<Element: Sendable>(memoryOf elements: [Element]) {
        self.init(parts: [Part(count: elements.count * MemoryLayout<Element>.stride) { body in
            elements.withUnsafeBytes { body([$0]) }
        }])
    }

    /// `bytes`, kept until sent.
    public init(bytes: [UInt8]) {
        self.init(parts: [Part(count: bytes.count) { body in bytes.withUnsafeBytes { body([$0]) } }])
    }

    /// The bytes of `file` at `ranges` (file offsets within its mapped range),
    /// one after the other, sent from the mapping; the file is kept mapped until sent.
    public init(mappedFile file: MappedFile, ranges: [Range<Int>]) {
        let kept = ranges.filter { !$0.isEmpty }
        for range in kept {
            precondition(range.lowerBound >= file.range.lowerBound && range.upperBound <= file.range.upperBound,
                         "range \(range) outside the mapped \(file.range)")
        }
        self.init(parts: [Part(count: kept.reduce(0) { $0 + $1.count }) { body in
            withExtendedLifetime(file) { body(kept.map { file.bytes(at: $0) }) }
        }])
    }

    /// `tails`, one after the other.
    public init(_ tails: [FrameTail]) {
        self.init(parts: tails.flatMap(\.parts))
    }

    /// Calls `body` with the tail's buffers in order, valid only during the call.
    func withBuffers(_ body: ([UnsafeRawBufferPointer]) -> Void) {
        var buffers: [UnsafeRawBufferPointer] = []
        // Each part's buffers stay valid inside its own call, so the calls nest.
        func visit(_ index: Int) {
            guard index < parts.count else { return body(buffers) }
            parts[index].access { own in
                buffers.append(contentsOf: own)
                visit(index + 1)
            }
        }
        visit(0)
    }

    /// The tail's bytes, copied (for transports that do not write from memory).
    public var bytes: [UInt8] {
        var copy: [UInt8] = []
        copy.reserveCapacity(count)
        withBuffers { for buffer in $0 { copy.append(contentsOf: buffer) } }
        return copy
    }
}
