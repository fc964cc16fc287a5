import Synchronization

/// The bounded queue of frames received on one connection, waiting to be read.
///
/// The producer (an event-loop thread, or an in-memory sender) appends batches;
/// one or more consumers take frames with ``next()`` or ``nextBatch(max:)``.
/// When the queued payload bytes pass ``highWater`` the producer is told to stop
/// (the TCP link stops reading its socket, so TCP flow control pushes back on the
/// sender); when a consumer drains it below ``lowWater``, `onDrained` runs and
/// waiting producers resume.
final class FrameInbox: Sendable {
    private struct State {
        var frames: [Frame] = []
        var head = 0
        var bytes = 0
        var consumers: [(id: UInt64, continuation: CheckedContinuation<Frame?, any Error>)] = []
        var producers: [CheckedContinuation<Void, any Error>] = []
        var nextConsumerID: UInt64 = 0
        var finish: Result<Void, TransportError>?
        var paused = false

        var available: Int { frames.count - head }

        mutating func pop() -> Frame {
            let frame = frames[head]
            head += 1
            bytes -= frame.payload.count
            if head == frames.count {
                frames.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024 && head * 2 >= frames.count {
                frames.removeFirst(head)
                head = 0
            }
            return frame
        }
    }

    let highWater: Int
    let lowWater: Int
    private let state = Mutex(State())
    private let onDrained = Mutex<(@Sendable () -> Void)?>(nil)

    /// Creates an inbox that pushes back above `highWater` payload bytes.
    init(highWater: Int, lowWater: Int? = nil) {
        self.highWater = highWater
        self.lowWater = lowWater ?? highWater / 2
    }

    /// Sets what runs when a consumer drains a paused inbox below ``lowWater``.
    func setOnDrained(_ action: @escaping @Sendable () -> Void) {
        onDrained.withLock { $0 = action }
    }

    /// Appends `frames`; returns true when the producer should pause (over ``highWater``).
    @discardableResult
    func enqueue(_ incoming: [Frame]) -> Bool {
        guard !incoming.isEmpty else { return false }
        var wake: [(CheckedContinuation<Frame?, any Error>, Frame)] = []
        let pause = state.withLock { s -> Bool in
            guard s.finish == nil else { return false }
            s.frames.append(contentsOf: incoming)
            for frame in incoming { s.bytes += frame.payload.count }
            while !s.consumers.isEmpty && s.available > 0 {
                wake.append((s.consumers.removeFirst().continuation, s.pop()))
            }
            if s.bytes > highWater { s.paused = true }
            return s.paused
        }
        for (continuation, frame) in wake { continuation.resume(returning: frame) }
        return pause
    }

    /// Appends `frames`, then suspends while the inbox stays over ``highWater``.
    /// Used by the in-memory transport, whose senders feel backpressure directly.
    func enqueueWaitingForSpace(_ incoming: [Frame]) async throws {
        guard enqueue(incoming) else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let resumeNow: Result<Void, TransportError>? = state.withLock { s in
                if let finish = s.finish { return finish }
                if !s.paused { return .success(()) }
                s.producers.append(continuation)
                return nil
            }
            if let resumeNow { continuation.resume(with: resumeNow.mapError { $0 as any Error }) }
        }
    }

    /// Ends the stream: consumers get the queued frames, then nil (`.success`) or the error.
    func finish(_ result: Result<Void, TransportError>) {
        let (consumers, producers) = state.withLock { s -> ([CheckedContinuation<Frame?, any Error>], [CheckedContinuation<Void, any Error>]) in
            guard s.finish == nil else { return ([], []) }
            s.finish = result
            let c = s.consumers.map(\.continuation)
            let p = s.producers
            s.consumers.removeAll()
            s.producers.removeAll()
            return (c, p)
        }
        for c in consumers { c.resume(with: result.map { nil }.mapError { $0 as any Error }) }
        for p in producers { p.resume(throwing: result.failure ?? TransportError.closedLocally) }
    }

    /// Whether ``finish(_:)`` was called.
    var isFinished: Bool { state.withLock { $0.finish != nil } }

    /// Whether the producer was told to pause and no consumer has drained it since.
    var isPaused: Bool { state.withLock { $0.paused } }

    /// Payload bytes queued.
    var queuedBytes: Int { state.withLock { $0.bytes } }

    /// The next frame; nil once finished cleanly and drained.
    ///
    /// - Throws: the error the inbox finished with, after the queued frames;
    ///   `CancellationError` if the calling task is cancelled while waiting.
    func next() async throws -> Frame? {
        enum Immediate { case frame(Frame, drained: Bool), end(Result<Void, TransportError>), wait }
        let immediate = state.withLock { s -> Immediate in
            if s.available > 0 {
                let frame = s.pop()
                return .frame(frame, drained: drainCheck(&s))
            }
            if let finish = s.finish { return .end(finish) }
            return .wait
        }
        switch immediate {
        case let .frame(frame, drained):
            if drained { didDrain() }
            return frame
        case let .end(result):
            try result.get()
            return nil
        case .wait:
            break
        }
        let id = state.withLock { s -> UInt64 in s.nextConsumerID += 1; return s.nextConsumerID }
        let frame: Frame? = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Frame?, any Error>) in
                enum Now { case frame(Frame), end(Result<Void, TransportError>), cancelled, parked }
                let now = state.withLock { s -> Now in
                    if s.available > 0 { return .frame(s.pop()) }
                    if let finish = s.finish { return .end(finish) }
                    if Task.isCancelled { return .cancelled }
                    s.consumers.append((id, continuation))
                    return .parked
                }
                switch now {
                case let .frame(frame): continuation.resume(returning: frame)
                case let .end(result): continuation.resume(with: result.map { nil }.mapError { $0 as any Error })
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .parked: break
                }
            }
        } onCancel: {
            let continuation = state.withLock { s -> CheckedContinuation<Frame?, any Error>? in
                guard let index = s.consumers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.consumers.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
        if state.withLock({ drainCheck(&$0) }) { didDrain() }
        return frame
    }

    /// Up to `max` frames: all that are queued without waiting, or, when none are,
    /// the next one to arrive. Empty once finished cleanly and drained.
    func nextBatch(max: Int = .max) async throws -> [Frame] {
        let (batch, drained) = state.withLock { s -> ([Frame], Bool) in
            var batch: [Frame] = []
            while s.available > 0 && batch.count < max { batch.append(s.pop()) }
            return (batch, batch.isEmpty ? false : drainCheck(&s))
        }
        if drained { didDrain() }
        if !batch.isEmpty { return batch }
        guard let first = try await next() else { return [] }
        return [first]
    }

    /// Whether a paused inbox just dropped to ``lowWater``; clears the pause.
    private func drainCheck(_ s: inout State) -> Bool {
        guard s.paused && s.bytes <= lowWater else { return false }
        s.paused = false
        return true
    }

    private func didDrain() {
        let producers = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            let p = s.producers
            s.producers.removeAll()
            return p
        }
        for p in producers { p.resume() }
        onDrained.withLock { $0 }?()
    }
}

extension Result {
    /// The error, when this is a failure.
    var failure: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
