/// An error thrown while decoding bytes with ``WireReader``.
///
/// Every case names what went wrong and the byte offset (from the start of the
/// buffer being read) at which it was detected, so a hostile or corrupt input can
/// be diagnosed without a debugger.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before `needed` more bytes could be read at `offset`.
    case truncated(offset: Int, needed: Int)
    /// A length or count read at `offset` claims more data than the input holds.
    case lengthPastEnd(offset: Int, length: UInt64, remaining: Int)
    /// A variable-length integer at `offset` is longer than 10 bytes or overflows 64 bits.
    case malformedVarint(offset: Int)
    /// A string at `offset` is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// A tag byte at `offset` has a value the decoder does not know (for `type`).
    case unknownTag(offset: Int, tag: UInt64, type: String)
    /// Decoding nested containers past the reader's depth limit at `offset`.
    case nestingTooDeep(offset: Int, limit: Int)
    /// A decoded value at `offset` is out of range for `type`.
    case valueOutOfRange(offset: Int, type: String)
    /// A dictionary or set at `offset` repeats a key.
    case duplicateKey(offset: Int)
    /// Bytes were left over at `offset` after a value that must fill its buffer.
    case trailingBytes(offset: Int, count: Int)

    /// A one-line explanation naming the offset.
    public var description: String {
        switch self {
        case let .truncated(offset, needed):
            return "wire input truncated at byte \(offset): \(needed) more byte(s) needed"
        case let .lengthPastEnd(offset, length, remaining):
            return "length \(length) at byte \(offset) runs past the end (\(remaining) byte(s) left)"
        case let .malformedVarint(offset):
            return "malformed varint at byte \(offset)"
        case let .invalidUTF8(offset):
            return "invalid UTF-8 in string at byte \(offset)"
        case let .unknownTag(offset, tag, type):
            return "unknown tag \(tag) for \(type) at byte \(offset)"
        case let .nestingTooDeep(offset, limit):
            return "nesting deeper than \(limit) at byte \(offset)"
        case let .valueOutOfRange(offset, type):
            return "value out of range for \(type) at byte \(offset)"
        case let .duplicateKey(offset):
            return "duplicate key at byte \(offset)"
        case let .trailingBytes(offset, count):
            return "\(count) trailing byte(s) at byte \(offset)"
        }
    }
}
