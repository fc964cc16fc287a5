import Synchronization

/// Framed, authenticated connections over POSIX TCP sockets, driven by one epoll
/// event-loop thread.
///
/// ```swift
/// let server = try TCPTransport(configuration: .init(secret: secret))
/// let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
/// let client = try TCPTransport(configuration: .init(secret: secret))
/// let connection = try await client.connect(to: listener.endpoint)
/// ```
///
/// Connecting retries refused or timed-out attempts with exponential backoff
/// (``TransportConfiguration/connectAttempts``); a refused handshake is final.
public final class TCPTransport: Transport {
    let configuration: TransportConfiguration
    let loop: EventLoop
    private let state: Mutex<State>

    private struct State {
        var identity: NodeIdentity
        var listeners: [ObjectIdentifier: TCPListener] = [:]
        var links: [ObjectIdentifier: TCPLink] = [:]
        var shutDown = false
        /// Shutdowns waiting for the last link and listener to close.
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a transport with its own event-loop thread.
    ///
    /// - Parameter host: the address this node advertises to peers.
    /// - Throws: ``TransportError/io(_:)`` if the event loop cannot be created.
    public init(configuration: TransportConfiguration = TransportConfiguration(), host: String = "127.0.0.1") throws(TransportError) {
        self.configuration = configuration
        do { loop = try EventLoop() } catch { throw .io(error) }
        state = Mutex(State(identity: NodeIdentity(endpoint: Endpoint(host: host, port: 0))))
    }

    /// This node's identity.
    public var identity: NodeIdentity { state.withLock { $0.identity } }

    /// Open connections (established or in handshake) and listeners: for leak checks.
    public var openResourceCount: Int { state.withLock { $0.links.count + $0.listeners.count } }

    /// Listens on `endpoint` (port 0 for any free port).
    ///
    /// - Throws: ``TransportError/bindFailed(_:_:)`` or ``TransportError/unresolvableHost(_:)``.
    public func listen(on endpoint: Endpoint) async throws -> any Listener {
        guard !state.withLock({ $0.shutDown }) else { throw TransportError.closedLocally }
        await HandshakeTimers.armOnce()
        guard let address = Posix.resolveIPv4(endpoint.host) else { throw TransportError.unresolvableHost(endpoint.host) }
        let fd: Int32
        do { fd = try Posix.socketTCP() } catch { throw TransportError.io(error) }
        let bound: Endpoint
        do throws(IOError) {
            try Posix.setReuseAddress(fd)
            try Posix.bind(fd, Posix.socketAddress(address, port: endpoint.port))
            try Posix.listen(fd, backlog: 1024)
            bound = Endpoint(host: endpoint.host, port: try Posix.localPort(fd))
        } catch {
            Posix.close(fd)
            throw TransportError.bindFailed(endpoint, error)
        }
        let listener: TCPListener
        do { listener = try TCPListener(fd: fd, endpoint: bound, loop: loop, transport: self) } catch {
            Posix.close(fd)
            throw TransportError.io(error)
        }
        state.withLock { s in
            s.listeners[ObjectIdentifier(listener)] = listener
            if s.identity.port == 0 { s.identity.endpoint = bound }
        }
        return listener
    }

    /// Connects to `endpoint`, retrying with exponential backoff, then performs the handshake.
    public func connect(to endpoint: Endpoint) async throws -> Connection {
        guard !state.withLock({ $0.shutDown }) else { throw TransportError.closedLocally }
        guard let address = Posix.resolveIPv4(endpoint.host) else { throw TransportError.unresolvableHost(endpoint.host) }
        var backoff = configuration.initialBackoff
        var lastError: TransportError = .connectTimedOut(endpoint, attempts: 0)
        for attempt in 1...Swift.max(1, configuration.connectAttempts) {
            try Task.checkCancellation()
            do {
                let fd = try await TCPConnector.connect(address: address, port: endpoint.port, loop: loop,
                                                        timeout: configuration.connectTimeout)
                let link: TCPLink
                do {
                    link = try TCPLink(fd: fd, loop: loop, configuration: configuration, label: "to \(endpoint)",
                                       onClosed: { [weak self] in self?.forget($0) })
                } catch {
                    Posix.close(fd)
                    throw TransportError.io(error)
                }
                remember(link)
                let parameters = HandshakeParameters(version: configuration.protocolVersion, identity: identity, secret: configuration.secret)
                return try await HandshakeDriver.connect(link: link, parameters: parameters,
                                                         maxFrameSize: configuration.maxFrameSize,
                                                         timeout: configuration.handshakeTimeout)
            } catch let error as TCPConnector.Failure {
                switch error {
                case .timedOut: lastError = .connectTimedOut(endpoint, attempts: attempt)
                case let .failed(io): lastError = .connectFailed(endpoint, attempts: attempt, last: io)
                }
            }
            if attempt < configuration.connectAttempts {
                try await Task.sleep(for: backoff)
                backoff = Swift.min(backoff * 2, configuration.maxBackoff)
            }
        }
        throw lastError
    }

    /// Closes every listener and connection, then stops the event-loop thread.
    /// Idempotent; connecting or listening afterwards fails.
    public func shutdown() async {
        let (listeners, links, already) = state.withLock { s -> ([TCPListener], [TCPLink], Bool) in
            defer { s.shutDown = true }
            if s.shutDown { return ([], [], true) }
            return (Array(s.listeners.values), Array(s.links.values), false)
        }
        guard !already else { return }
        for listener in listeners { listener.close() }
        for link in links { link.abort() }
        // Closes run on the loop; a link whose flusher was busy (or suspended in
        // its yield) closes when that flusher finishes. Every one of them closes
        // in bounded time, so wait for the last before the loop stops; a bound
        // guards against a close that never comes, which would otherwise hang.
        let bound = Task { [weak self] in
            try? await Task.sleep(for: .seconds(10))
            self?.wakeCloseWaiters(always: true)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.links.isEmpty && s.listeners.isEmpty { return true }
                s.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        bound.cancel()
        loop.shutdown()
    }

    /// Returns after the event loop has run everything queued before this call.
    func barrier() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute { continuation.resume() }
        }
    }

    // A transport dropped without shutdown() still stops its thread.
    deinit {
        loop.shutdown()
    }

    /// Tracks a new link; after shutdown, aborts it instead (its close then runs on
    /// the loop if the loop still runs, which a late connect must not count on).
    ///
    /// A link can close before it is remembered: the loop watches it from its
    /// creation, and a peer that resets at once gets it torn down and closed,
    /// its `forget` finding nothing yet. Such a link is not tracked. (It sets
    /// `isClosed` before calling `forget`, and both that check and `forget`
    /// hold this lock, so either the check sees it closed or `forget` comes
    /// after the link was added.)
    func remember(_ link: TCPLink) {
        let open = state.withLock { s -> Bool in
            guard !s.shutDown else { return false }
            if !link.isClosed { s.links[ObjectIdentifier(link)] = link }
            return true
        }
        if !open { link.abort() }
    }

    func forget(_ link: TCPLink) {
        wakeCloseWaiters { _ = $0.links.removeValue(forKey: ObjectIdentifier(link)) }
    }

    func forget(_ listener: TCPListener) {
        wakeCloseWaiters { _ = $0.listeners.removeValue(forKey: ObjectIdentifier(listener)) }
    }

    /// Applies `change`, then wakes the shutdowns waiting for the last close if
    /// every link and listener is now closed, or in any case when `always` (the
    /// shutdown's bound).
    private func wakeCloseWaiters(always: Bool = false, after change: (inout State) -> Void = { _ in }) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            change(&s)
            guard always || (s.shutDown && s.links.isEmpty && s.listeners.isEmpty) else { return [] }
            defer { s.closeWaiters.removeAll() }
            return s.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
