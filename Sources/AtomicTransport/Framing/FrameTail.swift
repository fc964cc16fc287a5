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
    /// One part of a tail.
    private enum Part: Sendable {
        /// Bytes of the tail's own, at an address that stays put while they live.
        case owned(HeldBytes)
        /// Ranges of a mapped file, whose pages stay put while it is mapped.
        case mapped(MappedFile, [Range<Int>])
        /// Memory reached only inside a call (an array's).
        case scoped(@Sendable ((UnsafeRawBufferPointer) -> Void) -> Void)
    }

    /// Bytes in the tail.
    public let count: Int
    private let parts: [Part]

    private init(parts: [Part], count: Int) {
        self.parts = parts
        self.count = count
    }

    /// The memory of `elements`, as it lies; the array is kept until sent.
    /// Only for element types whose memory is their wire form: no padding, no
    /// references, little-endian (such as a pair of `Int`s).
    public init<Element: Sendable>(memoryOf elements: [Element]) {
        let count = elements.count * MemoryLayout<Element>.stride
        self.init(parts: [.scoped { body in elements.withUnsafeBytes(body) }], count: count)
    }

    /// A copy of `bytes` (meant for a few bytes between larger parts).
    public init(bytes: [UInt8]) {
        self.init(parts: bytes.isEmpty ? [] : [.owned(HeldBytes(bytes))], count: bytes.count)
    }

    /// The bytes of `file` at `ranges` (file offsets within its mapped range),
    /// one after the other, sent from the mapping; the file is kept mapped until sent.
    public init(mappedFile file: MappedFile, ranges: [Range<Int>]) {
        let kept = ranges.filter { !$0.isEmpty }
        for range in kept {
            precondition(range.lowerBound >= file.range.lowerBound && range.upperBound <= file.range.upperBound,
                         "range \(range) outside the mapped \(file.range)")
        }
        self.init(parts: kept.isEmpty ? [] : [.mapped(file, kept)], count: kept.reduce(0) { $0 + $1.count })
    }

    /// `tails`, one after the other.
    public init(_ tails: [FrameTail]) {
        self.init(parts: tails.flatMap(\.parts), count: tails.reduce(0) { $0 + $1.count })
    }

    /// Calls `body` with the tail's buffers in order, valid only during the call.
    func withBuffers(_ body: ([UnsafeRawBufferPointer]) -> Void) {
        var buffers: [UnsafeRawBufferPointer] = []
        // Owned and mapped parts are gathered as they are; only an array's memory
        // needs a call of its own, inside which the rest is gathered.
        func gather(from start: Int) {
            var index = start
            while index < parts.count {
                switch parts[index] {
                case let .owned(held):
                    buffers.append(held.buffer)
                case let .mapped(file, ranges):
                    for range in ranges { buffers.append(file.bytes(at: range)) }
                case let .scoped(access):
                    let next = index + 1
                    access { buffer in
                        buffers.append(buffer)
                        gather(from: next)
                    }
                    return
                }
                index += 1
            }
            body(buffers)
        }
        withExtendedLifetime(parts) { gather(from: 0) }
    }

    /// The tail's bytes, copied (for transports that do not write from memory).
    public var bytes: [UInt8] {
        var copy: [UInt8] = []
        copy.reserveCapacity(count)
        withBuffers { for buffer in $0 { copy.append(contentsOf: buffer) } }
        return copy
    }
}

/// Bytes copied into memory of their own, freed with the value: their address
/// stays put, so a tail gathers them without a call per part.
private final class HeldBytes: Sendable {
    private nonisolated(unsafe) let base: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) {
        base = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { base.copyMemory(from: $0) }
    }

    deinit { base.deallocate() }

    /// The bytes, valid while this value lives.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(base) }
}
