import Synchronization

/// Accepts TCP connections on the event loop and runs each one's handshake; only
/// connections that pass it are yielded from ``connections``.
///
/// At most `maxPendingHandshakes` handshakes run at once; connections beyond that
/// are closed at once and reported in ``rejections`` as ``HandshakeError/overloaded``.
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

    init(fd: Int32, endpoint: Endpoint, loop: EventLoop, transport: TCPTransport) throws(IOError) {
        self.fd = fd
        self.endpoint = endpoint
        self.loop = loop
        self.transport = transport
        (connections, accepted) = AsyncStream.makeStream(of: Connection.self)
        (rejections, rejected) = AsyncStream.makeStream(of: TransportError.self, bufferingPolicy: .bufferingNewest(1024))
        registration = try loop.register(fd: fd, interest: .read, handler: self)
    }

    func handle(events: UInt32) {
        while !closed.load(ordering: .relaxed) {
            let client: Int32
            do throws(IOError) {
                guard case let .done(fd) = try Posix.accept(fd) else { return }
                client = fd
            } catch {
                // EMFILE and friends: report and try again on the next wake-up.
                rejected.yield(.io(error))
                return
            }
            admit(client)
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
            transport.forget(self)
        }
    }
}
