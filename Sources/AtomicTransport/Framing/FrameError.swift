/// Why a byte stream could not be split into frames. Any of these closes the one
/// connection it happened on and nothing else.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A length prefix announced a frame larger than the connection's limit; the
    /// check happens before any allocation.
    case frameTooLarge(length: Int, limit: Int)
    /// A length prefix smaller than the fixed header.
    case frameTooShort(length: Int)
    /// A header with a wire-format version this build does not speak.
    case unsupportedVersion(UInt8)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .frameTooLarge(length, limit):
            return "frame of \(length) bytes exceeds the limit of \(limit) bytes"
        case let .frameTooShort(length):
            return "frame length \(length) is shorter than the \(Frame.headerSize)-byte header"
        case let .unsupportedVersion(version):
            return "frame version \(version) is not supported (this build speaks \(Frame.currentVersion))"
        }
    }
}
