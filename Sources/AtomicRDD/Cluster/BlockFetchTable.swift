/// The bucket requests of one ``BlockConnection`` waiting for their replies.
///
/// A pure state machine, so that a reply, its requester parking, a timeout, a
/// cancellation and the connection's loss may come in any order: whichever
/// comes first decides the outcome, and every requester is resumed exactly once.
/// Generic over what waits, so tests drive it with plain values.
struct BlockFetchTable<Waiter> {
    private enum Slot {
        /// Sent; neither its outcome nor its requester is here yet.
        case empty
        /// Its requester waits for the outcome.
        case waiting(Waiter)
        /// Its outcome came before its requester parked.
        case arrived(Result<[UInt8], BlockFetchError>)
    }

    private var slots: [UInt64: Slot] = [:]
    private var nextID: UInt64 = 1
    /// Why the connection failed; later requests fail with it at once.
    private(set) var failure: BlockFetchError?

    /// Requests opened and not yet resumed or forgotten.
    var count: Int { slots.count }

    /// A new request's correlation id, or the connection's failure.
    mutating func open() -> Result<UInt64, BlockFetchError> {
        if let failure { return .failure(failure) }
        let id = nextID
        nextID += 1
        slots[id] = .empty
        return .success(id)
    }

    /// Parks `waiter` for request `id`; returns the outcome instead when it is
    /// already known (the waiter is then not kept).
    mutating func park(_ id: UInt64, _ waiter: Waiter) -> Result<[UInt8], BlockFetchError>? {
        switch slots[id] {
        case nil:
            return .failure(failure ?? .cancelled)
        case .empty:
            slots[id] = .waiting(waiter)
            return nil
        case let .arrived(result):
            slots.removeValue(forKey: id)
            return result
        case .waiting:
            preconditionFailure("Internal inconsistency: block request \(id) parked twice")
        }
    }

    /// Records the outcome of request `id` (a reply, a timeout); returns the
    /// waiter to resume with it, if one is parked. The first outcome wins;
    /// unknown ids (cancelled, already answered, or made up by the peer) are ignored.
    mutating func arrive(_ id: UInt64, _ result: Result<[UInt8], BlockFetchError>) -> Waiter? {
        switch slots[id] {
        case .empty:
            slots[id] = .arrived(result)
            return nil
        case let .waiting(waiter):
            slots.removeValue(forKey: id)
            return waiter
        case nil, .arrived:
            return nil
        }
    }

    /// Forgets request `id` (its requester was cancelled); returns its waiter, if parked.
    mutating func cancel(_ id: UInt64) -> Waiter? {
        guard case let .waiting(waiter) = slots.removeValue(forKey: id) else { return nil }
        return waiter
    }

    /// The connection failed: returns the parked waiters (to resume with
    /// `error`); requests not parked yet get `error` when they park, and new
    /// ones fail at once. Outcomes that arrived before stay.
    mutating func fail(_ error: BlockFetchError) -> [Waiter] {
        guard failure == nil else { return [] }
        failure = error
        var waiters: [Waiter] = []
        for (id, slot) in slots {
            switch slot {
            case let .waiting(waiter):
                waiters.append(waiter)
                slots.removeValue(forKey: id)
            case .empty:
                slots[id] = .arrived(.failure(error))
            case .arrived:
                break
            }
        }
        return waiters
    }
}
