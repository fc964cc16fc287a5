import Glibc
import CAtomicSystem

/// Every libc call the transport makes, each wrapped once: `EINTR` is retried,
/// `EAGAIN`/`EWOULDBLOCK` becomes a value, anything else throws ``IOError``.
///
/// This file and the others in `POSIX/` are the only places in the engine that
/// touch Glibc.
enum Posix {
    /// The result of a non-blocking call.
    enum IOResult<T> {
        case done(T)
        case wouldBlock
    }

    /// An IPv4 address, so callers outside this folder need not import Glibc.
    typealias SocketAddressV4 = in_addr

    static func error(_ function: String, _ code: Int32 = Glibc.errno) -> IOError {
        IOError(function: function, errno: code, message: String(cString: strerror(code)))
    }

    /// Ignores SIGPIPE process-wide, once: a write to a dead peer must become an
    /// error, never kill the process. (Sends also pass MSG_NOSIGNAL.)
    static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    static func socketTCP() throws(IOError) -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw error("socket") }
        return fd
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) throws(IOError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else { throw error("setsockopt") }
    }

    static func setNoDelay(_ fd: Int32) throws(IOError) {
        try setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    static func setReuseAddress(_ fd: Int32) throws(IOError) {
        try setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
    }

    /// Makes `close` send a reset instead of a clean FIN: used to simulate a crash.
    static func setLingerZero(_ fd: Int32) {
        var l = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
    }

    static func resolveIPv4(_ host: String) -> in_addr? {
        var addr = in_addr()
        let name = host == "localhost" ? "127.0.0.1" : host
        if inet_pton(AF_INET, name, &addr) == 1 { return addr }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        guard let sa = first.pointee.ai_addr else { return nil }
        return sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
    }

    static func socketAddress(_ addr: in_addr, port: UInt16) -> sockaddr_in {
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        sa.sin_addr = addr
        return sa
    }

    static func bind(_ fd: Int32, _ address: sockaddr_in) throws(IOError) {
        var a = address
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw error("bind") }
    }

    static func listen(_ fd: Int32, backlog: Int32) throws(IOError) {
        guard Glibc.listen(fd, backlog) == 0 else { throw error("listen") }
    }

    static func localPort(_ fd: Int32) throws(IOError) -> UInt16 {
        var a = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { throw error("getsockname") }
        return UInt16(bigEndian: a.sin_port)
    }

    /// Starts a non-blocking connect: `.done` when connected at once, `.wouldBlock`
    /// while in progress.
    static func connect(_ fd: Int32, _ address: sockaddr_in) throws(IOError) -> IOResult<Void> {
        var a = address
        while true {
            let rc = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if rc == 0 { return .done(()) }
            switch Glibc.errno {
            case EINTR: continue
            case EINPROGRESS, EAGAIN: return .wouldBlock
            case let code: throw error("connect", code)
            }
        }
    }

    /// The pending error of a socket (after a non-blocking connect completes).
    static func socketError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len) == 0 else { return Glibc.errno }
        return value
    }

    static func accept(_ fd: Int32) throws(IOError) -> IOResult<Int32> {
        while true {
            let client = catomic_accept_nonblocking(fd)
            if client >= 0 { return .done(client) }
            switch Glibc.errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let code: throw error("accept", code)
            }
        }
    }

    /// Reads into `buffer`: `.done(0)` is end of stream.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> IOResult<Int> {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .done(n) }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let code: throw error("read", code)
            }
        }
    }

    /// Sends up to three buffers with one `sendmsg` call and MSG_NOSIGNAL.
    static func send(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer,
                     _ third: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws(IOError) -> IOResult<Int> {
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: third.baseAddress), iov_len: third.count))
        let count = !third.isEmpty ? 3 : second.isEmpty ? 1 : 2
        while true {
            let n = withUnsafeMutableBytes(of: &vectors) { raw -> Int in
                var message = msghdr()
                message.msg_iov = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
                message.msg_iovlen = count
                return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 { return .done(n) }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let code: throw error("sendmsg", code)
            }
        }
    }

    /// The error of a frame whose tail holds fewer bytes than it counts.
    static var tailShorterThanCount: IOError {
        IOError(function: "sendmsg", errno: EINVAL, message: "a frame tail holds fewer bytes than it counts")
    }

    /// The most buffers one `sendmsg` takes (Linux's `IOV_MAX`).
    static let maxGatheredBuffers = 1024

    /// Sends `buffers` (at most ``maxGatheredBuffers``; empty ones are skipped)
    /// with one `sendmsg` call and MSG_NOSIGNAL.
    static func send(_ fd: Int32, _ buffers: [UnsafeRawBufferPointer]) throws(IOError) -> IOResult<Int> {
        let count = Swift.min(buffers.count, maxGatheredBuffers)
        let result: Result<IOResult<Int>, IOError> = withUnsafeTemporaryAllocation(of: iovec.self, capacity: Swift.max(1, count)) { vectors in
            var used = 0
            for buffer in buffers.prefix(count) where !buffer.isEmpty {
                vectors[used] = iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count)
                used += 1
            }
            guard used > 0 else { return .success(.done(0)) }
            while true {
                var message = msghdr()
                message.msg_iov = vectors.baseAddress
                message.msg_iovlen = used
                let n = sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                if n >= 0 { return .success(.done(n)) }
                switch Glibc.errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .success(.wouldBlock)
                case let code: return .failure(error("sendmsg", code))
                }
            }
        }
        return try result.get()
    }

    static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// A descriptor of /dev/null, held in reserve (see ``TCPListener``); -1 when none can be had.
    static func openSpareDescriptor() -> Int32 {
        "/dev/null".withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func eventfd() throws(IOError) -> Int32 {
        let fd = catomic_eventfd()
        guard fd >= 0 else { throw error("eventfd") }
        return fd
    }

    static func signalEventfd(_ fd: Int32) {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { Glibc.write(fd, $0.baseAddress, 8) }
    }

    static func drainEventfd(_ fd: Int32) {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { Glibc.read(fd, $0.baseAddress, 8) }
    }
}
