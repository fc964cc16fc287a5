import Synchronization

/// Task results too large for a control message, kept on a worker until the
/// driver has fetched them piece by piece (``WorkerService/fetchResult(token:offset:length:)``).
final class KeptResults: Sendable {
    private let state = Mutex<(next: Int, blocks: [Int: [UInt8]])>((0, [:]))

    /// Keeps `bytes`; returns the token the driver fetches them by.
    func keep(_ bytes: [UInt8]) -> Int {
        state.withLock { state in
            state.next += 1
            state.blocks[state.next] = bytes
            return state.next
        }
    }

    /// The number of results kept and not yet fetched to their end.
    var count: Int { state.withLock { $0.blocks.count } }

    /// Up to `length` bytes of result `token` from `offset`; the result is
    /// dropped once its last bytes are read. The range comes from the network:
    /// any `offset` and `length` give bytes or a typed error, never a trap.
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` for an unknown token or a bad range.
    func chunk(token: Int, offset: Int, length: Int) throws -> [UInt8] {
        try state.withLock { state in
            guard let bytes = state.blocks[token], offset >= 0, length > 0, offset <= bytes.count else {
                throw EngineError.invalidArgument(operation: "fetchResult", reason: "no result \(token) at \(offset)")
            }
            let end = offset + min(length, bytes.count - offset)
            if end == bytes.count { state.blocks[token] = nil }
            return Array(bytes[offset..<end])
        }
    }
}
