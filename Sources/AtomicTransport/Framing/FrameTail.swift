/// Bytes that follow a frame's payload on the wire without being copied into
/// it: a buffer of the sender's own, such as an array of records whose memory
/// is their wire form, written to the socket from where it lies.
///
/// The receiver sees one frame whose payload is the payload followed by the tail.
///
/// ```swift
/// let records: [(Int, Int)] = ...
/// try await connection.send(Frame(kind: .block, payload: head), tail: FrameTail(memoryOf: records))
/// ```
public struct FrameTail: Sendable {
    /// Bytes in the tail.
    public let count: Int
    private let access: @Sendable ((UnsafeRawBufferPointer) -> Void) -> Void

    /// The memory of `elements`, as it lies; the array is kept until sent.
    /// Only for element types whose memory is their wire form: no padding, no
    /// references, little-endian (such as a pair of `Int`s).
    public init<Element: Sendable>(memoryOf elements: [Element]) {
        count = elements.count * MemoryLayout<Element>.stride
        access = { body in elements.withUnsafeBytes(body) }
    }

    /// Calls `body` with the tail's bytes, valid only during the call.
    func withBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
        access(body)
    }

    /// The tail's bytes, copied (for transports that do not write from memory).
    public var bytes: [UInt8] {
        var copy: [UInt8] = []
        withBytes { copy = Array($0) }
        return copy
    }
}
