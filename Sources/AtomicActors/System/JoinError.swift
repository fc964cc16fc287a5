import AtomicTransport
import Synchronization

/// Why a node could not join a cluster through its seed.
public enum JoinError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The seed refused this node: it tracks as many nodes as it may, none of
    /// them down, or this incarnation was declared down (a restarted process
    /// joins with a new one).
    case refused(seed: NodeIdentity, reason: String)
    /// The seed did not answer the join within the call timeout.
    case noAnswer(seed: Endpoint, after: Duration)

    /// A one-line description.
    public var description: String {
        switch self {
        case let .refused(seed, reason): return "the seed \(seed) refused the join: \(reason)"
        case let .noAnswer(seed, after): return "the seed \(seed) did not answer the join within \(after)"
        }
    }
}

/// The seed's answer to this node's join, which ``ClusterSystem/start(transport:listenOn:seed:settings:)``
/// waits for: its member list, or a refusal.
final class JoinAnswer: Sendable {
    private enum Slot {
        case pending(CheckedContinuation<Void, any Error>?)
        case answered(Result<Void, any Error>)
    }

    private let slot = Mutex(Slot.pending(nil))

    /// Delivers the answer; only the first counts.
    func resolve(_ result: Result<Void, any Error>) {
        let waiter = slot.withLock { slot -> CheckedContinuation<Void, any Error>? in
            guard case let .pending(waiter) = slot else { return nil }
            slot = .answered(result)
            return waiter
        }
        waiter?.resume(with: result)
    }

    /// Waits for the answer; a cancelled wait throws `CancellationError`.
    func value() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let answered = slot.withLock { slot -> Result<Void, any Error>? in
                    if case let .answered(result) = slot { return result }
                    slot = .pending(continuation)
                    return nil
                }
                if let answered { continuation.resume(with: answered) }
            }
        } onCancel: {
            resolve(.failure(CancellationError()))
        }
    }

    /// Waits for the answer at most `timeout` of `timeSource`'s time.
    ///
    /// - Throws: the refusal, or ``JoinError/noAnswer(seed:after:)``.
    func value(timeout: Duration, timeSource: any TimeSource, seed: Endpoint) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.value() }
            group.addTask {
                try await timeSource.sleep(for: timeout)
                throw JoinError.noAnswer(seed: seed, after: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
