import Foundation

/// The plain blocking send/recv loops over a loopback socket that benchmarks run
/// beside the transport, so each figure comes with its raw ceiling from the same run.
public enum RawLoopbackBaseline {
    /// Bytes per second streaming `chunk`-byte writes for `totalBytes` from one
    /// thread to another over loopback.
    public static func throughput(chunk: Int, totalBytes: Int) throws -> Double {
        let (listener, port) = try BlockingSocket.listen()
        let receiver = Thread.detachNewThreadWithResult {
            let socket = try listener.accept()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            var received = 0
            while received < totalBytes {
                guard try socket.readFully(into: buffer) else { break }
                received += chunk
            }
            return received
        }
        let sender = try BlockingSocket.connect(to: Endpoint(host: "127.0.0.1", port: port))
        let payload = [UInt8](repeating: 0xAB, count: chunk)
        let start = ContinuousClock.now
        var sent = 0
        while sent < totalBytes {
            try sender.write(payload)
            sent += chunk
        }
        let received = try receiver.wait()
        let seconds = (ContinuousClock.now - start).seconds
        sender.close()
        listener.close()
        return Double(received) / seconds
    }

    /// Round trips per second of `size`-byte messages echoed by another thread,
    /// with `inFlight` messages outstanding at a time.
    public static func roundTrips(size: Int, inFlight: Int, count: Int) throws -> Double {
        let (listener, port) = try BlockingSocket.listen()
        let echo = Thread.detachNewThreadWithResult {
            let socket = try listener.accept()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            var echoed = 0
            while echoed < count, try socket.readFully(into: buffer) {
                try socket.write(UnsafeRawBufferPointer(buffer))
                echoed += 1
            }
            return echoed
        }
        let client = try BlockingSocket.connect(to: Endpoint(host: "127.0.0.1", port: port))
        let message = [UInt8](repeating: 1, count: size)
        let reply = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { reply.deallocate() }
        let start = ContinuousClock.now
        var sent = 0
        for _ in 0..<min(inFlight, count) {
            try client.write(message)
            sent += 1
        }
        var done = 0
        while done < count {
            guard try client.readFully(into: reply) else { break }
            done += 1
            if sent < count {
                try client.write(message)
                sent += 1
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        _ = try echo.wait()
        client.close()
        listener.close()
        return Double(done) / seconds
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// A thread whose closure's result can be waited for.
final class ThreadResult<T: Sendable>: @unchecked Sendable {
    // Safety: `result` is written once by the thread before `done` is signalled,
    // and read only after waiting on `done`.
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    fileprivate init(_ body: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try body() }
            done.signal()
        }
    }

    func wait() throws -> T {
        done.wait()
        return try result!.get()
    }

    /// Waits without blocking a cooperative thread: a helper thread does the blocking wait.
    func value() async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Thread.detachNewThread { [self] in continuation.resume(with: Result { try wait() }) }
        }
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` on the result blocks until it returns.
    static func detachNewThreadWithResult<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> ThreadResult<T> {
        ThreadResult(body)
    }
}
