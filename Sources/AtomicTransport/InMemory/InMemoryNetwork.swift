import Synchronization

/// A network of nodes inside one process, for testing the layers above the
/// transport without sockets, with faults injected on demand.
///
/// Each ``InMemoryTransport`` made by ``makeTransport(host:configuration:)`` is a
/// node named by its host. Faults apply per direction between two hosts:
///
/// ```swift
/// let network = InMemoryNetwork(seed: 7)
/// let a = network.makeTransport(host: "a"), b = network.makeTransport(host: "b")
/// network.setDropRate(from: "a", to: "b", 0.5)      // lose half of a's frames to b
/// network.setDelay(from: "b", to: "a", .milliseconds(20))
/// network.partition(["a"], ["b"])                    // nothing crosses; connects fail
/// network.heal()
/// network.crash(host: "b")                          // b's connections die abruptly
/// ```
public final class InMemoryNetwork: Sendable {
    struct Route: Hashable {
        var from: String
        var to: String
    }

    /// What happens to frames on one route.
    struct Fault {
        var dropRate = 0.0
        var delay: Duration = .zero
    }

    private struct State {
        var listeners: [Endpoint: InMemoryListener] = [:]
        var nextPort: [String: UInt16] = [:]
        var faults: [Route: Fault] = [:]
        var partitions: [(Set<String>, Set<String>)] = []
        var links: [ObjectIdentifier: InMemoryLink] = [:]
        var rng: SplitMix64
    }

    private let state: Mutex<State>

    /// Creates an empty network; `seed` makes random drops repeatable.
    public init(seed: UInt64 = 0x5EED) {
        state = Mutex(State(rng: SplitMix64(seed: seed)))
    }

    /// A new node on this network named `host`.
    public func makeTransport(host: String, configuration: TransportConfiguration = TransportConfiguration()) -> InMemoryTransport {
        InMemoryTransport(network: self, host: host, configuration: configuration)
    }

    // MARK: Faults

    /// Drops each frame sent from `from` to `to` with probability `rate` (0 to 1).
    public func setDropRate(from: String, to: String, _ rate: Double) {
        state.withLock { $0.faults[Route(from: from, to: to), default: Fault()].dropRate = rate }
    }

    /// Delays every frame sent from `from` to `to` by `delay`, keeping their order.
    public func setDelay(from: String, to: String, _ delay: Duration) {
        state.withLock { $0.faults[Route(from: from, to: to), default: Fault()].delay = delay }
    }

    /// Separates two groups of hosts: frames between them vanish and new
    /// connections between them fail with ``TransportError/unreachable(_:)``.
    public func partition(_ first: Set<String>, _ second: Set<String>) {
        state.withLock { $0.partitions.append((first, second)) }
    }

    /// Removes every partition, drop rate and delay.
    public func heal() {
        state.withLock { s in
            s.partitions.removeAll()
            s.faults.removeAll()
        }
    }

    /// Kills `host` as a crash would: its listeners close and every connection
    /// touching it is lost abruptly on both sides.
    public func crash(host: String) {
        let (listeners, links) = state.withLock { s -> ([InMemoryListener], [InMemoryLink]) in
            let l = s.listeners.filter { $0.key.host == host }
            for key in l.keys { s.listeners.removeValue(forKey: key) }
            return (Array(l.values), s.links.values.filter { $0.localHost == host })
        }
        for listener in listeners { listener.close() }
        for link in links { link.abort() }
    }

    /// Aborts every open connection end that `owner` made or accepted.
    func abortLinks(ownedBy owner: ObjectIdentifier) {
        let links = state.withLock { s in s.links.values.filter { $0.owner == owner } }
        for link in links { link.abort() }
    }

    /// Connections currently open on the network (both ends count), for leak checks.
    public var openLinkCount: Int { state.withLock { $0.links.count } }

    // MARK: Internals used by transports and links

    func isPartitioned(_ a: String, _ b: String) -> Bool {
        state.withLock { s in
            s.partitions.contains { ($0.0.contains(a) && $0.1.contains(b)) || ($0.0.contains(b) && $0.1.contains(a)) }
        }
    }

    /// Decides the fate of frames on a route: which survive, and after what delay.
    func route(from: String, to: String, _ frames: [Frame]) -> (survivors: [Frame], delay: Duration) {
        state.withLock { s in
            if s.partitions.contains(where: { ($0.0.contains(from) && $0.1.contains(to)) || ($0.0.contains(to) && $0.1.contains(from)) }) {
                return ([], .zero)
            }
            guard let fault = s.faults[Route(from: from, to: to)] else { return (frames, .zero) }
            guard fault.dropRate > 0 else { return (frames, fault.delay) }
            var kept: [Frame] = []
            for frame in frames where frame.kind == .goodbye || Double(s.rng.next() >> 11) / Double(1 << 53) >= fault.dropRate {
                kept.append(frame)
            }
            return (kept, fault.delay)
        }
    }

    func bind(_ listener: InMemoryListener) throws(TransportError) {
        try state.withLock { (s: inout State) throws(TransportError) in
            guard s.listeners[listener.endpoint] == nil else {
                throw .bindFailed(listener.endpoint, IOError(function: "bind", errno: 98, message: "Address already in use"))
            }
            s.listeners[listener.endpoint] = listener
        }
    }

    func unbind(_ endpoint: Endpoint) {
        _ = state.withLock { $0.listeners.removeValue(forKey: endpoint) }
    }

    func freePort(for host: String) -> UInt16 {
        state.withLock { s in
            let port = s.nextPort[host, default: 40000]
            s.nextPort[host] = port + 1
            return port
        }
    }

    func listener(at endpoint: Endpoint) -> InMemoryListener? {
        state.withLock { $0.listeners[endpoint] }
    }

    func track(_ link: InMemoryLink) {
        state.withLock { $0.links[ObjectIdentifier(link)] = link }
    }

    func untrack(_ link: InMemoryLink) {
        _ = state.withLock { $0.links.removeValue(forKey: ObjectIdentifier(link)) }
    }
}

/// A small, fast, seedable generator (SplitMix64), so injected faults repeat.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
