import Glibc

/// A plain blocking TCP socket with no event loop, no framing and no handshake.
///
/// It exists for two jobs: the raw baselines that benchmarks print beside the
/// transport's figures (see ``RawLoopbackBaseline``), and tests that must act as
/// a misbehaving peer (half a frame, garbage, a crash).
public final class BlockingSocket: @unchecked Sendable {
    // Safety: each instance is used by one thread at a time by its owner.
    private var fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Connects to `endpoint`.
    public static func connect(to endpoint: Endpoint) throws(TransportError) -> BlockingSocket {
        guard let address = Posix.resolveIPv4(endpoint.host) else { throw .unresolvableHost(endpoint.host) }
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io(Posix.error("socket")) }
        var sa = Posix.socketAddress(address, port: endpoint.port)
        let rc = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let error = Posix.error("connect")
            Glibc.close(fd)
            throw .io(error)
        }
        _ = Posix.ignoreSIGPIPE
        try? Posix.setNoDelay(fd)
        return BlockingSocket(fd: fd)
    }

    /// A listening socket on `127.0.0.1` with a free port; returns it and the port.
    /// A small `backlog` that nobody accepts from makes later connects hang, as
    /// with an unresponsive host.
    public static func listen(backlog: Int32 = 16) throws(TransportError) -> (BlockingSocket, UInt16) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io(Posix.error("socket")) }
        do throws(IOError) {
            try Posix.setReuseAddress(fd)
            try Posix.bind(fd, Posix.socketAddress(Posix.resolveIPv4("127.0.0.1")!, port: 0))
            try Posix.listen(fd, backlog: backlog)
            return (BlockingSocket(fd: fd), try Posix.localPort(fd))
        } catch {
            Glibc.close(fd)
            throw .io(error)
        }
    }

    /// Waits for one connection on a listening socket.
    public func accept() throws(TransportError) -> BlockingSocket {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 {
                try? Posix.setNoDelay(client)
                return BlockingSocket(fd: client)
            }
            if Glibc.errno != EINTR { throw .io(Posix.error("accept")) }
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw .io(Posix.error("send"))
            }
            offset += n
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        var failure: TransportError?
        bytes.withUnsafeBytes { raw in
            do throws(TransportError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Reads exactly `buffer.count` bytes; returns false on end of stream first.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.recv(fd, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if n == 0 { return false }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw .io(Posix.error("recv"))
            }
            offset += n
        }
        return true
    }

    /// Reads whatever arrives (up to `max` bytes); empty at end of stream.
    public func readSome(max: Int = 65536) throws(TransportError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, max, 0) }
        if n < 0 { throw .io(Posix.error("recv")) }
        buffer.removeLast(max - n)
        return buffer
    }

    /// Makes reads fail (``TransportError/io(_:)`` of `EAGAIN`) instead of
    /// waiting longer than `timeout` for data; a test's bound on a peer that never answers.
    public func setReadTimeout(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = Glibc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Closes cleanly (FIN).
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Closes with a reset (RST), the way a crashed peer's kernel may.
    public func closeAbruptly() {
        guard fd >= 0 else { return }
        Posix.setLingerZero(fd)
        close()
    }

    deinit { close() }
}
