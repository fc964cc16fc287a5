import Synchronization

/// The timers that accepted connections' handshakes sleep on, armed once
/// before a process first listens. The concurrency runtime's timers live in
/// libdispatch, which opens descriptors of its own (an epoll, an eventfd, a
/// timerfd) the first time one is armed. Armed by the first handshake, that
/// happened while a listener was accepting: in a process out of descriptors it
/// took the one the listener holds in reserve to shed connections with (see
/// ``TCPListener``), or failed outright.
enum HandshakeTimers {
    private static let armed = Atomic(false)

    /// Sleeps once, as a handshake's timeout does, unless a sleep was already begun.
    static func armOnce() async {
        guard !armed.exchange(true, ordering: .relaxed) else { return }
        // Long enough that the runtime arms a timer rather than running it at once.
        try? await Task.sleep(for: .milliseconds(1))
    }
}
