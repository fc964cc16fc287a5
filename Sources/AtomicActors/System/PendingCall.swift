/// A call waiting for its reply. The reply may arrive before the caller has
/// parked, so whichever comes first waits for the other.
struct PendingCall: Sendable {
    enum Slot: Sendable {
        case empty
        case waiting(CheckedContinuation<ReplyEnvelope, any Error>)
        case arrived(Result<ReplyEnvelope, any Error>)
    }

    let node: NodeIdentity
    let target: String
    let deadline: Duration
    let timeout: Duration
    var slot = Slot.empty

    /// Resumes a parked caller with `error`; used when the call is removed from the table.
    func fail(_ error: any Error) {
        if case let .waiting(continuation) = slot { continuation.resume(throwing: error) }
    }
}
