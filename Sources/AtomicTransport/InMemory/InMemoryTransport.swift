import Synchronization

/// The in-memory counterpart of ``TCPTransport``: the same handshake, frames,
/// limits and errors, with no sockets, on an ``InMemoryNetwork`` that can drop,
/// delay, partition and crash.
public final class InMemoryTransport: Transport {
    let network: InMemoryNetwork
    let configuration: TransportConfiguration
    private let host: String
    private let state: Mutex<(identity: NodeIdentity, listeners: [InMemoryListener])>

    init(network: InMemoryNetwork, host: String, configuration: TransportConfiguration) {
        self.network = network
        self.host = host
        self.configuration = configuration
        state = Mutex((NodeIdentity(endpoint: Endpoint(host: host, port: 0)), []))
    }

    /// This node's identity.
    public var identity: NodeIdentity { state.withLock { $0.identity } }

    /// Listens on `endpoint`, whose host must be this node's; port 0 picks one.
    public func listen(on endpoint: Endpoint) async throws -> any Listener {
        guard endpoint.host == host else { throw TransportError.unresolvableHost(endpoint.host) }
        let bound = Endpoint(host: host, port: endpoint.port == 0 ? network.freePort(for: host) : endpoint.port)
        let listener = InMemoryListener(endpoint: bound, transport: self)
        try network.bind(listener)
        state.withLock { s in
            s.listeners.append(listener)
            if s.identity.port == 0 { s.identity.endpoint = bound }
        }
        return listener
    }

    /// Connects to the listener at `endpoint` and performs the handshake.
    ///
    /// - Throws: ``TransportError/unreachable(_:)`` when nothing listens there or
    ///   the two hosts are partitioned; handshake errors as over TCP.
    public func connect(to endpoint: Endpoint) async throws -> Connection {
        guard !network.isPartitioned(host, endpoint.host), let listener = network.listener(at: endpoint) else {
            throw TransportError.unreachable(endpoint)
        }
        let local = InMemoryLink(network: network, owner: ObjectIdentifier(self), localHost: host, remoteHost: endpoint.host, configuration: configuration)
        let remote = InMemoryLink(network: network, owner: ObjectIdentifier(listener.transport), localHost: endpoint.host, remoteHost: host,
                                  configuration: listener.transport.configuration)
        InMemoryLink.connect(local, remote)
        listener.admit(remote)
        let parameters = HandshakeParameters(version: configuration.protocolVersion, identity: identity, secret: configuration.secret)
        return try await HandshakeDriver.connect(link: local, parameters: parameters, maxFrameSize: configuration.maxFrameSize,
                                                 timeout: configuration.handshakeTimeout)
    }

    /// Closes this node's listeners and aborts every connection it made or accepted.
    public func shutdown() async {
        defer { network.abortLinks(ownedBy: ObjectIdentifier(self)) }
        let listeners = state.withLock { s -> [InMemoryListener] in
            defer { s.listeners.removeAll() }
            return s.listeners
        }
        for listener in listeners { listener.close() }
    }
}

/// Accepts in-memory connections and runs their handshakes.
final class InMemoryListener: Listener {
    let endpoint: Endpoint
    let connections: AsyncStream<Connection>
    let rejections: AsyncStream<TransportError>
    let transport: InMemoryTransport
    private let accepted: AsyncStream<Connection>.Continuation
    private let rejected: AsyncStream<TransportError>.Continuation
    private let closed = Atomic(false)

    init(endpoint: Endpoint, transport: InMemoryTransport) {
        self.endpoint = endpoint
        self.transport = transport
        (connections, accepted) = AsyncStream.makeStream(of: Connection.self)
        (rejections, rejected) = AsyncStream.makeStream(of: TransportError.self, bufferingPolicy: .bufferingNewest(1024))
    }

    func admit(_ link: InMemoryLink) {
        let configuration = transport.configuration
        let parameters = HandshakeParameters(version: configuration.protocolVersion, identity: transport.identity, secret: configuration.secret)
        Task { [accepted, rejected] in
            do throws(TransportError) {
                accepted.yield(try await HandshakeDriver.accept(link: link, parameters: parameters,
                                                                maxFrameSize: configuration.maxFrameSize,
                                                                timeout: configuration.handshakeTimeout))
            } catch {
                rejected.yield(error)
            }
        }
    }

    func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        transport.network.unbind(endpoint)
        accepted.finish()
        rejected.finish()
    }
}
