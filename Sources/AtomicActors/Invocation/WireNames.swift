import Synchronization

/// The names incoming calls carry (actor path and target), kept by their
/// bytes on the wire, so that a call naming what an earlier call named is
/// matched in the frame's bytes in one lookup: no copy, no UTF-8 validation,
/// no second lookup of the target's signature.
///
/// Bounded: past ``limit`` entries it starts over, so peers naming ever new
/// actors (`/user/N`) cannot grow it without end.
final class WireNames: Sendable {
    /// What one run of path and target bytes means. A class, so that each
    /// incoming call carries one reference to it instead of copies of its fields.
    final class Entry: Sendable {
        /// The actor's path.
        let path: String
        /// The target's mangled name.
        let target: String
        /// The target's signature, when it takes the fast path
        /// (``DistributedTargetCache``); resolved on first use.
        let resolved: DistributedTargetCache.Target?

        init(path: String, target: String, resolved: DistributedTargetCache.Target?) {
            self.path = path
            self.target = target
            self.resolved = resolved
        }
    }

    /// Most entries kept at once.
    static let limit = 4096

    private let entries = Mutex<[Key: Entry]>([:])

    /// How many entries are kept (for tests).
    var count: Int { entries.withLock { $0.count } }

    /// The path and target whose wire form (two length-prefixed strings) is
    /// `bytes[range]`; `path` and `target` are the ranges of their UTF-8 bytes.
    ///
    /// - Throws: ``WireError/invalidUTF8(offset:)`` when they are not UTF-8.
    func entry(at range: Range<Int>, path: Range<Int>, target: Range<Int>, in bytes: [UInt8],
               resolve: (String) -> DistributedTargetCache.Target?) throws(WireError) -> Entry {
        let probe = Key(bytes: bytes, range: range)
        if let known = entries.withLock({ $0[probe] }) { return known }
        let pathString = try Self.string(bytes, path)
        let targetString = try Self.string(bytes, target)
        let entry = Entry(path: pathString, target: targetString, resolved: resolve(targetString))
        let stored = Array(bytes[range])
        entries.withLock { entries in
            if entries.count >= WireNames.limit { entries.removeAll(keepingCapacity: true) }
            entries[Key(bytes: stored, range: 0..<stored.count)] = entry
        }
        return entry
    }

    private static func string(_ bytes: [UInt8], _ range: Range<Int>) throws(WireError) -> String {
        let decoded = bytes.withUnsafeBufferPointer { all in
            String(validating: UnsafeBufferPointer(rebasing: all[range]), as: UTF8.self)
        }
        guard let decoded else { throw .invalidUTF8(offset: range.lowerBound) }
        return decoded
    }

    /// A run of bytes inside an array, hashed and compared by content (no copy).
    private struct Key: Hashable, @unchecked Sendable {
        // Safety: the array is a value never mutated through the key.
        let bytes: [UInt8]
        let range: Range<Int>

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[range])) }
        }

        static func == (a: Key, b: Key) -> Bool {
            guard a.range.count == b.range.count else { return false }
            return a.bytes.withUnsafeBytes { x in
                b.bytes.withUnsafeBytes { y in
                    sameBytes(UnsafeRawBufferPointer(rebasing: x[a.range]), UnsafeRawBufferPointer(rebasing: y[b.range]))
                }
            }
        }
    }
}

/// Whether two buffers hold the same bytes, compared eight at a time.
func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var i = 0
    while i + 8 <= a.count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < a.count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
