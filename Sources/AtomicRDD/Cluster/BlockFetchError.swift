/// Why a bucket could not be fetched from another worker's ``BlockServer``.
/// The reducer retries, then reports the map output as lost
/// (``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)``).
enum BlockFetchError: Error, Equatable, CustomStringConvertible {
    /// The serving worker answered with an error (the output is not there, a
    /// spill file could not be read, the bucket is over the frame size limit).
    case refused(node: String, reason: String)
    /// The connection to the serving worker ended or could not be opened.
    case connectionLost(node: String, detail: String)
    /// No reply came in time.
    case timedOut(node: String, after: Duration)
    /// The requester was cancelled.
    case cancelled

    /// What happened, and with which worker.
    var description: String {
        switch self {
        case let .refused(node, reason): "block server of \(node) refused: \(reason)"
        case let .connectionLost(node, detail): "block connection to \(node) lost: \(detail)"
        case let .timedOut(node, after): "block server of \(node) did not reply within \(after)"
        case .cancelled: "block fetch cancelled"
        }
    }
}
