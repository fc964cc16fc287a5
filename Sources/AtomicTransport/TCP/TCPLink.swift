import Synchronization

/// One TCP connection's frames in both directions, driven by an ``EventLoop``.
///
/// Writing: any thread may queue frames. Small frames are coalesced into one
/// buffer; large ones are sent from their own storage with no copy. Whichever
/// thread finds the socket idle becomes the flusher and writes everything queued,
/// so frames queued meanwhile leave together in as few `sendmsg` calls as possible.
/// When the socket is full the flusher hands over to the event loop (EPOLLOUT).
/// Senders suspend while more than `outboundHighWater` bytes are queued.
///
/// Reading: only on the loop's thread. Large payloads are read straight into their
/// final array. Frames go to the ``FrameInbox``; when it is over its high-water
/// mark, reading stops until the consumer drains it, so TCP flow control makes a
/// slow reader's sender wait instead of growing memory.
///
/// Safety: `@unchecked Sendable` because the read side (`decoder`, `received`, `sawGoodbye`) is confined to the loop thread;
/// everything else shared is behind the `state` mutex or atomic.
final class TCPLink: FrameLink, EventHandler, @unchecked Sendable {
    /// A run of bytes to send: coalesced small frames (`payload` empty), or a large
    /// frame's 16-byte head, its payload and its tail, if any.
    private struct Outgoing {
        var bytes: [UInt8]
        var payload: [UInt8] = []
        var tail: FrameTail?
        var sent = 0
        var total: Int { bytes.count + payload.count + (tail?.count ?? 0) }
    }

    private struct State {
        var queue: [Outgoing] = []
        var queuedBytes = 0
        var flushing = false
        var awaitingWritable = false
        var readPaused = false
        var failure: TransportError?
        var fdClosed = false
        var senders: [CheckedContinuation<Void, any Error>] = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var suspensionWatchers: [CheckedContinuation<Void, Never>] = []
    }


    /// Frames under this size are copied into a shared coalescing buffer.
    static let coalesceThreshold = 16 << 10
    /// A coalescing buffer is not grown past this.
    static let coalesceLimit = 256 << 10
    /// A sender that finds this many bytes queued writes them itself, at once.
    static let inlineFlushThreshold = 64 << 10
    /// The most times a flusher of small frames yields to let other senders queue theirs.
    static let maxGatherYields = 4
    /// Payloads missing at least this many bytes are read straight into place.
    static let directReadThreshold = 64 << 10
    /// Most bytes read from one socket per wake-up, for fairness between connections.
    static let readBudget = 4 << 20

    let fd: Int32
    let loop: EventLoop
    let inbox: FrameInbox
    let label: String
    private let configuration: TransportConfiguration
    private var registration: UInt64 = 0
    private let state = Mutex(State())
    private let maxInbound: Atomic<Int>
    private let tornDown = Atomic(false)
    /// `sendmsg` calls made, to check write coalescing in tests.
    let writeCalls = Atomic(0)
    // The read side, touched only on the loop thread; separate properties so the
    // decoder can append into `received` without overlapping accesses.
    private var decoder: FrameDecoder
    private var received: [Frame] = []
    private var sawGoodbye = false
    private let onClosed: @Sendable (TCPLink) -> Void

    init(fd: Int32, loop: EventLoop, configuration: TransportConfiguration, label: String,
         onClosed: @escaping @Sendable (TCPLink) -> Void) throws(IOError) {
        self.fd = fd
        self.loop = loop
        self.configuration = configuration
        self.label = label
        self.onClosed = onClosed
        self.inbox = FrameInbox(highWater: configuration.inboundHighWater)
        self.maxInbound = Atomic(HandshakeDriver.maxHandshakeFrameSize)
        self.decoder = FrameDecoder(maxFrameSize: HandshakeDriver.maxHandshakeFrameSize)
        registration = try loop.register(fd: fd, interest: .read, handler: self)
        inbox.setOnDrained { [weak self] in self?.resumeReading() }
    }

    func setMaxInboundFrameSize(_ size: Int) {
        maxInbound.store(size, ordering: .relaxed)
    }

    // MARK: Sending

    func send(_ frames: [Frame]) async throws {
        let (becomeFlusher, bulk) = try state.withLock { (s: inout State) throws(TransportError) -> (Bool, Bool) in
            if let failure = s.failure { throw failure }
            for frame in frames { enqueue(frame, into: &s) }
            guard !s.flushing && !s.awaitingWritable else { return (false, false) }
            s.flushing = true
            return (true, s.queuedBytes >= TCPLink.inlineFlushThreshold)
        }
        // Bulk data is written at once. For small frames the flusher first yields,
        // so tasks that are ready to send too (replies, concurrent calls) queue
        // their frames and all leave in the same system call; alone, it resumes
        // at once.
        if becomeFlusher {
            if !bulk { await gatherSenders() }
            flush()
        }
        try await waitForRoom()
    }

    /// Yields while other tasks keep queueing frames, so that they leave in one
    /// system call: at most ``maxGatherYields`` times, and no more once a yield
    /// brought nothing new or the queue holds bulk's worth of bytes.
    nonisolated(nonsending) private func gatherSenders() async {
        var queued = state.withLock { $0.queuedBytes }
        for _ in 0..<TCPLink.maxGatherYields {
            await Task.yield()
            let now = state.withLock { $0.queuedBytes }
            guard Self.keepsGathering(queuedBefore: queued, queuedAfter: now) else { return }
            queued = now
        }
    }

    /// Whether a flusher yields again after a yield that took the queued bytes
    /// from `queuedBefore` to `queuedAfter`: while senders keep coming, and
    /// until there is bulk's worth to write.
    static func keepsGathering(queuedBefore: Int, queuedAfter: Int) -> Bool {
        queuedAfter != queuedBefore && queuedAfter < inlineFlushThreshold
    }

    func send(_ frame: Frame, tail: FrameTail) async throws {
        let becomeFlusher = try state.withLock { (s: inout State) throws(TransportError) -> Bool in
            if let failure = s.failure { throw failure }
            var head = [UInt8](repeating: 0, count: Frame.overhead)
            head.withUnsafeMutableBytes { frame.writeHead(into: $0, tailCount: tail.count) }
            s.queue.append(Outgoing(bytes: head, payload: frame.payload, tail: tail))
            s.queuedBytes += frame.wireSize + tail.count
            guard !s.flushing && !s.awaitingWritable else { return false }
            s.flushing = true
            return true
        }
        // Bulk data: written at once, as large frames are.
        if becomeFlusher { flush() }
        try await waitForRoom()
    }

    private func enqueue(_ frame: Frame, into s: inout State) {
        s.queuedBytes += frame.wireSize
        if frame.payload.count >= TCPLink.coalesceThreshold {
            var head = [UInt8](repeating: 0, count: Frame.overhead)
            head.withUnsafeMutableBytes { frame.writeHead(into: $0) }
            s.queue.append(Outgoing(bytes: head, payload: frame.payload))
            return
        }
        if let last = s.queue.indices.last, s.queue[last].payload.isEmpty, s.queue[last].sent == 0,
           s.queue[last].bytes.count + frame.wireSize <= TCPLink.coalesceLimit {
            frame.append(to: &s.queue[last].bytes)
        } else {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Swift.max(frame.wireSize, 4096))
            frame.append(to: &bytes)
            s.queue.append(Outgoing(bytes: bytes))
        }
    }

    private func waitForRoom() async throws {
        guard state.withLock({ $0.queuedBytes > configuration.outboundHighWater }) else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            var watchers: [CheckedContinuation<Void, Never>] = []
            let now: Result<Void, TransportError>? = state.withLock { s in
                if let failure = s.failure { return .failure(failure) }
                if s.queuedBytes <= configuration.outboundLowWater { return .success(()) }
                s.senders.append(continuation)
                swap(&watchers, &s.suspensionWatchers)
                return nil
            }
            for watcher in watchers { watcher.resume() }
            if let now { continuation.resume(with: now.mapError { $0 as any Error }) }
        }
    }

    /// Writes queued data until the queue is empty, the socket is full or the
    /// connection fails. Runs on the thread that set `flushing`.
    private func flush() {
        while true {
            var drained: [CheckedContinuation<Void, Never>] = []
            let next: Outgoing? = state.withLock { s in
                guard s.failure == nil, !s.queue.isEmpty else {
                    s.flushing = false
                    drained = s.drainWaiters
                    s.drainWaiters.removeAll()
                    return nil
                }
                return s.queue.removeFirst()
            }
            for c in drained { c.resume() }
            guard var item = next else { return finishFlush() }
            let sentBefore = item.sent
            let outcome = write(&item)
            var resume: [CheckedContinuation<Void, any Error>] = []
            state.withLock { s in
                s.queuedBytes -= item.sent - sentBefore
                if case .success(false) = outcome, s.failure == nil {
                    s.queue.insert(item, at: 0)
                    s.flushing = false
                    s.awaitingWritable = true
                    updateInterest(s)
                }
                if s.queuedBytes <= configuration.outboundLowWater && !s.senders.isEmpty {
                    resume = s.senders
                    s.senders.removeAll()
                }
            }
            for c in resume { c.resume() }
            switch outcome {
            case .success(true):
                continue
            case .success(false):
                return finishFlush()
            case let .failure(error):
                state.withLock { $0.flushing = false }
                teardown(error: Self.lost(error), inboxEnding: .failure(Self.lost(error)), abortive: false)
                return finishFlush()
            }
        }
    }

    /// After a flusher quits: closes the descriptor if a teardown waited for it.
    private func finishFlush() {
        let closeNow = state.withLock { s -> Bool in s.failure != nil && !s.flushing && !s.fdClosed }
        if closeNow { loop.execute { [self] in closeDescriptor() } }
    }

    /// Sends `item` from its `sent` offset; true when all of it went out, false
    /// when the socket filled up (with `sent` advanced).
    private func write(_ item: inout Outgoing) -> Result<Bool, IOError> {
        while item.sent < item.total {
            let sent = item.sent
            var result: Result<Posix.IOResult<Int>, IOError> = .success(.wouldBlock)
            item.bytes.withUnsafeBytes { head in
                item.payload.withUnsafeBytes { payload in
                    // What is left of each buffer once `sent` bytes are skipped.
                    var skip = sent
                    func rest(_ part: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
                        let taken = Swift.min(skip, part.count)
                        skip -= taken
                        return UnsafeRawBufferPointer(rebasing: part[taken...])
                    }
                    do throws(IOError) {
                        guard let tail = item.tail else {
                            result = .success(try Posix.send(fd, rest(head), rest(payload)))
                            return
                        }
                        var failure: IOError?
                        tail.withBuffers { buffers in
                            do throws(IOError) {
                                if buffers.count <= 1 {
                                    let only = buffers.first ?? UnsafeRawBufferPointer(start: nil, count: 0)
                                    result = .success(try Posix.send(fd, rest(head), rest(payload), rest(only)))
                                    return
                                }
                                // What is left, up to what one sendmsg takes.
                                var gathered: [UnsafeRawBufferPointer] = []
                                gathered.reserveCapacity(Swift.min(buffers.count + 2, Posix.maxGatheredBuffers))
                                func gather(_ buffer: UnsafeRawBufferPointer) -> Bool {
                                    let left = rest(buffer)
                                    if !left.isEmpty { gathered.append(left) }
                                    return gathered.count < Posix.maxGatheredBuffers
                                }
                                if gather(head), gather(payload) {
                                    for buffer in buffers {
                                        guard gather(buffer) else { break }
                                    }
                                }
                                result = .success(try Posix.send(fd, gathered))
                            } catch { failure = error }
                        }
                        if let failure { throw failure }
                    } catch {
                        result = .failure(error)
                    }
                }
            }
            switch result {
            case .success(.done(0)):
                // Nothing left to gather while bytes are owed: a tail whose count
                // is not its buffers'. Failing beats looping on it.
                return .failure(Posix.tailShorterThanCount)
            case let .success(.done(n)):
                writeCalls.add(1, ordering: .relaxed)
                item.sent += n
            case .success(.wouldBlock): return .success(false)
            case let .failure(error): return .failure(error)
            }
        }
        return .success(true)
    }

    /// Returns once a sender is suspended by backpressure (for tests).
    func senderSuspended() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already = state.withLock { s -> Bool in
                if !s.senders.isEmpty { return true }
                s.suspensionWatchers.append(continuation)
                return false
            }
            if already { continuation.resume() }
        }
    }

    /// Bytes queued and not yet written to the socket.
    var queuedOutboundBytes: Int { state.withLock { $0.queuedBytes } }

    // MARK: Reading (loop thread only)

    func handle(events: UInt32) {
        if tornDown.load(ordering: .relaxed) { return }
        let hangUp = events & (EventLoop.Interest.error.rawValue) != 0
        if events & EventLoop.Interest.write.rawValue != 0 {
            let flushNow = state.withLock { s -> Bool in
                guard s.awaitingWritable, s.failure == nil else { return false }
                s.awaitingWritable = false
                s.flushing = true
                updateInterest(s)
                return true
            }
            if flushNow { flush() }
        }
        if events & ~EventLoop.Interest.write.rawValue != 0 {
            readAvailable(evenIfPaused: hangUp)
        }
    }

    /// Reads what the socket holds. While the inbox is full, reading waits for the
    /// consumer, except after a hang-up or error (which epoll keeps reporting): then
    /// the little the kernel still buffers is read so the ending can be delivered.
    private func readAvailable(evenIfPaused: Bool) {
        if !evenIfPaused && state.withLock({ $0.readPaused }) { return }
        decoder.maxFrameSize = maxInbound.load(ordering: .relaxed)
        var budget = TCPLink.readBudget
        var ending: TransportError?? = nil   // .some(nil): clean end of stream
        readLoop: while budget > 0 {
            if decoder.missingPayloadBytes >= TCPLink.directReadThreshold {
                var failure: IOError?
                var sawEnd = false
                let (count, frame) = decoder.readPayloadDirectly { buffer in
                    do throws(IOError) {
                        switch try Posix.read(fd, into: buffer) {
                        case let .done(n): if n == 0 { sawEnd = true }; return n
                        case .wouldBlock: return 0
                        }
                    } catch { failure = error; return -1 }
                }
                if let failure { ending = .some(Self.lost(failure)); break readLoop }
                if sawEnd { ending = .some(nil); break readLoop }
                if count <= 0 { break readLoop }
                budget -= count
                if let frame { accept(frame) }
                continue
            }
            let scratch = loop.scratch
            let n: Int
            do throws(IOError) {
                switch try Posix.read(fd, into: scratch) {
                case let .done(count): n = count
                case .wouldBlock: break readLoop
                }
            } catch {
                ending = .some(Self.lost(error))
                break readLoop
            }
            if n == 0 { ending = .some(nil); break readLoop }
            budget -= n
            let before = received.count
            do throws(FrameError) {
                try decoder.feed(UnsafeRawBufferPointer(rebasing: scratch[0..<n]), into: &received)
            } catch {
                ending = .some(.framing(error))
                break readLoop
            }
            if received.count > before { filterGoodbyes(from: before) }
        }
        deliver()
        guard let ending else { return }
        if case let .some(.framing(error)) = ending {
            teardown(error: .framing(error), inboxEnding: .failure(.framing(error)), abortive: false)
        } else if decoder.isMidFrame {
            // Whether the stream ended with a FIN or a reset, a partial frame means
            // the peer died while sending it.
            let error = TransportError.peerDiedMidFrame(missingBytes: Swift.max(decoder.missingPayloadBytes, 1))
            teardown(error: error, inboxEnding: .failure(error), abortive: false)
        } else if let error = ending {
            teardown(error: error, inboxEnding: .failure(error), abortive: false)
        } else if sawGoodbye {
            teardown(error: .closedByPeer, inboxEnding: .success(()), abortive: false)
        } else {
            let error = TransportError.connectionLost(detail: "peer closed without goodbye")
            teardown(error: error, inboxEnding: .failure(error), abortive: false)
        }
    }

    private func accept(_ frame: Frame) {
        if frame.kind == .goodbye { sawGoodbye = true } else { received.append(frame) }
    }

    /// Takes a goodbye out of the frames just decoded; a well-behaved peer sends
    /// nothing after it, so anything that follows is dropped too.
    private func filterGoodbyes(from start: Int) {
        guard let index = received[start...].firstIndex(where: { $0.kind == .goodbye }) else { return }
        sawGoodbye = true
        received.removeSubrange(index...)
    }

    private func deliver() {
        guard !received.isEmpty else { return }
        let frames = received
        received.removeAll(keepingCapacity: true)
        guard inbox.enqueue(frames) else { return }
        state.withLock { s in
            guard !s.readPaused else { return }
            s.readPaused = true
            updateInterest(s)
        }
        // The consumer may have drained the inbox between `enqueue` and the pause
        // above, and its drain callback then found nothing to resume: check again.
        if !inbox.isPaused { resumeReading() }
    }

    private func resumeReading() {
        state.withLock { s in
            guard s.readPaused, s.failure == nil else { return }
            s.readPaused = false
            updateInterest(s)
        }
    }

    private func updateInterest(_ s: State) {
        guard s.failure == nil || s.flushing else { return }
        var interest: EventLoop.Interest = []
        if !s.readPaused { interest.insert(.read) }
        if s.awaitingWritable { interest.insert(.write) }
        loop.modify(fd: fd, id: registration, interest: interest)
    }

    // MARK: Closing

    func close() async {
        let proceed = state.withLock { s -> Bool in
            guard s.failure == nil else { return false }
            enqueue(Frame(kind: .goodbye), into: &s)
            return true
        }
        guard proceed else { return }
        let becomeFlusher = state.withLock { s -> Bool in
            guard !s.flushing && !s.awaitingWritable && s.failure == nil else { return false }
            s.flushing = true
            return true
        }
        if becomeFlusher { flush() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if (s.queue.isEmpty && !s.flushing && !s.awaitingWritable) || s.failure != nil { return true }
                s.drainWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        teardown(error: .closedLocally, inboxEnding: .success(()), abortive: false)
    }

    /// True once the descriptor is closed.
    var isClosed: Bool { state.withLock { $0.fdClosed } }

    func abort() {
        teardown(error: .closedLocally, inboxEnding: .failure(.closedLocally), abortive: true)
    }

    /// Fails the link once: wakes every waiter, ends the inbox, and closes the
    /// descriptor on the loop thread once no flusher is using it.
    ///
    /// Only the call that sets `failure` acts, so of two racing teardowns (a
    /// peer's goodbye on the loop and a local abort, say) exactly one wakes the
    /// waiters and schedules the close. The socket is shut down under the lock:
    /// a close scheduled by a finishing flusher, which needs `failure` set, can
    /// only come after it.
    private func teardown(error: TransportError, inboxEnding: Result<Void, TransportError>, abortive: Bool) {
        let won = state.withLock { s -> ([CheckedContinuation<Void, any Error>], [CheckedContinuation<Void, Never>], Bool)? in
            guard s.failure == nil else { return nil }
            s.failure = error
            s.queue.removeAll()
            s.queuedBytes = 0
            if abortive { Posix.setLingerZero(fd) } else { Posix.shutdown(fd) }
            let result = (s.senders, s.drainWaiters + s.suspensionWatchers, !s.flushing)
            s.senders.removeAll()
            s.drainWaiters.removeAll()
            s.suspensionWatchers.removeAll()
            return result
        }
        guard let (senders, drainers, closeNow) = won else { return }
        tornDown.store(true, ordering: .relaxed)
        inbox.finish(inboxEnding)
        for c in senders { c.resume(throwing: error) }
        for c in drainers { c.resume() }
        if closeNow { loop.execute { [self] in closeDescriptor() } }
    }

    private func closeDescriptor() {
        let close = state.withLock { s -> Bool in
            guard !s.fdClosed, !s.flushing else { return false }
            s.fdClosed = true
            return true
        }
        guard close else { return }
        loop.deregister(fd: fd, id: registration)
        Posix.close(fd)
        onClosed(self)
    }

    private static func lost(_ error: IOError) -> TransportError {
        .connectionLost(detail: error.description)
    }
}

