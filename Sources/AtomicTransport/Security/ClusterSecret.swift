import Foundation

/// The shared secret that nodes of one cluster prove they know, with an
/// HMAC-SHA256 challenge-response, before any frame is delivered.
///
/// It is read from a file, never given as a command-line literal (which would
/// show in `ps` output and shell history).
///
/// ```swift
/// let secret = try ClusterSecret(contentsOfFile: "/etc/atomic/secret")
/// ```
public struct ClusterSecret: Sendable, Equatable {
    /// The fewest bytes a secret may have.
    public static let minimumLength = 16

    /// The key bytes.
    let key: [UInt8]

    /// Why a secret could not be loaded.
    public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be read.
        case unreadable(path: String, reason: String)
        /// The file holds fewer than ``ClusterSecret/minimumLength`` bytes (after trimming
        /// a trailing newline).
        case tooShort(path: String, length: Int)

        /// A one-line explanation naming the file.
        public var description: String {
            switch self {
            case let .unreadable(path, reason): return "cannot read cluster secret file '\(path)': \(reason)"
            case let .tooShort(path, length):
                return "cluster secret in '\(path)' has \(length) byte(s); at least \(ClusterSecret.minimumLength) are required"
            }
        }
    }

    /// Reads the secret from `path`; one trailing newline is ignored.
    ///
    /// - Throws: ``LoadError`` when the file is missing, unreadable or too short.
    public init(contentsOfFile path: String) throws(LoadError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: String(describing: error.localizedDescription))
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count >= ClusterSecret.minimumLength else { throw .tooShort(path: path, length: bytes.count) }
        key = bytes
    }

    /// A secret from bytes already in memory (for tests and generated secrets).
    public init(bytes: [UInt8]) {
        precondition(!bytes.isEmpty, "a cluster secret cannot be empty")
        key = bytes
    }

    /// A fresh random secret of 32 bytes.
    public static func random() -> ClusterSecret {
        var rng = SystemRandomNumberGenerator()
        return ClusterSecret(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// The secret's bytes as lowercase hex, for writing it to a file.
    public var hexString: String { key.map { String(format: "%02x", $0) }.joined() }
}
