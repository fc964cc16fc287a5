import Glibc
import Synchronization

/// Accepts TCP connections on the event loop and runs each one's handshake; only
/// connections that pass it are yielded from ``connections``.
///
/// At most `maxPendingHandshakes` handshakes run at once; connections beyond that
/// are closed at once and reported in ``rejections`` as ``HandshakeError/overloaded``.
/// Out of descriptors, it sheds a waiting connection with a descriptor it keeps
/// in reserve; with none left, it stops accepting for a while (``AcceptBackoff``).
final class TCPListener: Listener, EventHandler, @unchecked Sendable {
    let endpoint: Endpoint
    let connections: AsyncStream<Connection>
    let rejections: AsyncStream<TransportError>
    private let accepted: AsyncStream<Connection>.Continuation
    private let rejected: AsyncStream<TransportError>.Continuation
    private let fd: Int32
    private let loop: EventLoop
    private let transport: TCPTransport
    private let pending = Atomic(0)
    private let closed = Atomic(false)
    // Written once in init before the descriptor is registered; read-only after.
    private var registration: UInt64 = 0
    // Descriptors kept in reserve (loop thread only after init). Out of
    // descriptors, `accept` fails with EMFILE and leaves the connection waiting,
    // and level-triggered epoll reports it again at once: the loop would spin
    // until a descriptor is freed. Instead the listener closes a spare, accepts
    // the waiting connection and closes it at once (its client sees the
    // connection closed and may retry), then takes the spare back. Another
    // thread may open a descriptor between the close and the retaking, and so
    // take the spare's number: the second spare keeps the listener shedding.
    private var spares: [Int32] = []
    private let spareCount: Int
    // With no spare to shed a waiting connection, the listener stops watching
    // its socket for a while (loop thread only).
    private var backoff = AcceptBackoff()

    init(fd: Int32, endpoint: Endpoint, loop: EventLoop, transport: TCPTransport) throws(IOError) {
        self.fd = fd
        self.endpoint = endpoint
        self.loop = loop
        self.transport = transport
        spareCount = max(0, transport.configuration.listenerSpareDescriptors)
        (connections, accepted) = AsyncStream.makeStream(of: Connection.self)
        (rejections, rejected) = AsyncStream.makeStream(of: TransportError.self, bufferingPolicy: .bufferingNewest(1024))
        refillSpares()
        do {
            registration = try loop.register(fd: fd, interest: .read, handler: self)
        } catch {
            for spare in spares { Posix.close(spare) }
            throw error
        }
    }

    func handle(events: UInt32) {
        while !closed.load(ordering: .relaxed) {
            let client: Int32
            do throws(IOError) {
                guard case let .done(fd) = try Posix.accept(fd) else { return }
                client = fd
            } catch {
                rejected.yield(.io(error))
                guard error.errno == EMFILE || error.errno == ENFILE else {
                    // Anything else: try again on the next wake-up.
                    return
                }
                // Out of descriptors: the waiting connection is shed, so the loop does not spin on it;
                // with no spare to shed it, the listener stops accepting for a while.
                switch shedWaitingConnection() {
                case .shed: continue
                case .nothingTaken: return
                case .noSpare:
                    stopAcceptingForAWhile()
                    return
                }
            }
            backoff.reset()
            // A spare lost to another thread's open is retaken once descriptors are back.
            if spares.count < spareCount { refillSpares() }
            admit(client)
        }
    }

    /// What shedding a waiting connection came to.
    private enum Shedding {
        /// The connection waiting first was accepted and closed.
        case shed
        /// A spare was given up but no connection taken (none waited any more,
        /// or the accept failed otherwise): try again on the next wake-up.
        case nothingTaken
        /// No spare was left to give up.
        case noSpare
    }

    /// Accepts the connection waiting first and closes it at once, with a
    /// spare descriptor's number.
    private func shedWaitingConnection() -> Shedding {
        // Spares lost to other threads' opens are tried again first (seldom
        // with success here: descriptors have run out).
        refillSpares()
        guard let spare = spares.popLast() else { return .noSpare }
        Posix.close(spare)
        defer { refillSpares() }
        guard case let .done(client)? = try? Posix.accept(fd) else { return .nothingTaken }
        Posix.close(client)
        return .shed
    }

    /// Stops watching the socket, so that level-triggered epoll does not report
    /// the connection it cannot take again and again, and watches it again
    /// after the backoff's next pause. The pause is slept on the shared pool, not
    /// on the loop: it is rare, and the loop has no timers.
    private func stopAcceptingForAWhile() {
        loop.modify(fd: fd, id: registration, interest: [])
        let delay = backoff.next()
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard let self else { return }
            loop.execute { [self] in
                // The descriptor is closed on this thread after `closed` is set.
                guard !closed.load(ordering: .relaxed) else { return }
                loop.modify(fd: fd, id: registration, interest: .read)
            }
        }
    }

    /// Opens spares up to the configured count, as many as the process has descriptors for.
    private func refillSpares() {
        while spares.count < spareCount {
            let spare = Posix.openSpareDescriptor()
            guard spare >= 0 else { return }
            spares.append(spare)
        }
    }

    private func admit(_ client: Int32) {
        try? Posix.setNoDelay(client)
        let configuration = transport.configuration
        let link: TCPLink
        do {
            link = try TCPLink(fd: client, loop: loop, configuration: configuration, label: "accepted on \(endpoint)",
                               onClosed: { [transport] in transport.forget($0) })
        } catch {
            Posix.close(client)
            rejected.yield(.io(error))
            return
        }
        transport.remember(link)
        guard pending.add(1, ordering: .relaxed).newValue <= configuration.maxPendingHandshakes else {
            pending.subtract(1, ordering: .relaxed)
            link.abort()
            rejected.yield(.handshake(.overloaded))
            return
        }
        let parameters = HandshakeParameters(version: configuration.protocolVersion, identity: transport.identity, secret: configuration.secret)
        Task { [self] in
            defer { pending.subtract(1, ordering: .relaxed) }
            do throws(TransportError) {
                let connection = try await HandshakeDriver.accept(
                    link: link, parameters: parameters, maxFrameSize: configuration.maxFrameSize,
                    timeout: configuration.handshakeTimeout)
                accepted.yield(connection)
            } catch {
                rejected.yield(error)
            }
        }
    }

    func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        accepted.finish()
        rejected.finish()
        loop.execute { [self] in
            loop.deregister(fd: fd, id: registration)
            Posix.close(fd)
            for spare in spares { Posix.close(spare) }
            spares.removeAll()
            transport.forget(self)
        }
    }
}
