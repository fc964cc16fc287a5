/// A call waiting for its reply. The reply may arrive before the caller has
/// parked, so whichever comes first waits for the other.
struct PendingCall: Sendable {
    enum Slot: Sendable {
        /// Neither the reply nor the caller is there yet.
        case empty
        /// The caller is parked.
        case waiting(UnsafeContinuation<[UInt8], any Error>)
        /// The outcome (a reply's payload, or an error) came before the caller parked.
        case arrived(Result<[UInt8], any Error>)
    }

    let node: NodeIdentity
    let target: String
    let timeout: Duration
    /// When it times out; nil until the first sweep after it was made
    /// (``ClusterSystem/sweepTimeouts()``).
    var deadline: Duration?
    var slot = Slot.empty

    /// Resumes a parked caller with `error`; used when the call is removed from the table.
    func fail(_ error: any Error) {
        if case let .waiting(continuation) = slot { continuation.resume(throwing: error) }
    }
}

/// The calls a node made that wait for replies, by correlation id: a lock of
/// their own, so that callers and the readers completing their calls do not
/// wait behind the rest of the system's state.
struct CallTable {
    var pending: [UInt64: PendingCall] = [:]
    /// Set by shutdown: no call is registered after it.
    var closed = false
}
