import Synchronization

/// One non-blocking TCP connect with a timeout, completed by the event loop.
final class TCPConnector: EventHandler, @unchecked Sendable {
    /// Why an attempt failed.
    enum Failure: Error {
        case timedOut
        case failed(IOError)
    }

    /// Whichever of the waiter and the outcome arrives first waits for the other.
    private enum Slot {
        case empty
        case waiting(CheckedContinuation<Void, any Error>)
        case finished(Result<Void, any Error>)
        case consumed
    }

    private let fd: Int32
    private let slot = Mutex(Slot.empty)

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Returns a connected non-blocking socket with TCP_NODELAY set.
    static func connect(address: Posix.SocketAddressV4, port: UInt16, loop: EventLoop, timeout: Duration) async throws -> Int32 {
        let fd: Int32
        do { fd = try Posix.socketTCP() } catch { throw Failure.failed(error) }
        do throws(IOError) {
            try Posix.setNoDelay(fd)
            guard case .wouldBlock = try Posix.connect(fd, Posix.socketAddress(address, port: port)) else { return fd }
        } catch {
            Posix.close(fd)
            throw Failure.failed(error)
        }
        let connector = TCPConnector(fd: fd)
        let id: UInt64
        do { id = try loop.register(fd: fd, interest: .write, handler: connector) } catch {
            Posix.close(fd)
            throw Failure.failed(error)
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            connector.complete(.failure(Failure.timedOut))
        }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                    connector.install(c)
                }
            } onCancel: {
                connector.complete(.failure(CancellationError()))
            }
        } catch {
            timer.cancel()
            await deregister(fd: fd, id: id, loop: loop)
            Posix.close(fd)
            throw error
        }
        timer.cancel()
        await deregister(fd: fd, id: id, loop: loop)
        return fd
    }

    /// Removes the connect registration on the loop thread, so no stale event for
    /// it can reach the link that takes over the descriptor.
    private static func deregister(fd: Int32, id: UInt64, loop: EventLoop) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            loop.execute {
                loop.deregister(fd: fd, id: id)
                c.resume()
            }
        }
    }

    func handle(events: UInt32) {
        let code = Posix.socketError(fd)
        if code == 0 { complete(.success(())) } else { complete(.failure(Failure.failed(Posix.error("connect", code)))) }
    }

    private func install(_ continuation: CheckedContinuation<Void, any Error>) {
        let ready: Result<Void, any Error>? = slot.withLock { s in
            if case let .finished(result) = s {
                s = .consumed
                return result
            }
            s = .waiting(continuation)
            return nil
        }
        if let ready { continuation.resume(with: ready) }
    }

    /// Resumes the waiting connect once, whichever of event, timeout or cancellation comes first.
    private func complete(_ result: Result<Void, any Error>) {
        let waiter: CheckedContinuation<Void, any Error>? = slot.withLock { s in
            switch s {
            case .empty:
                s = .finished(result)
                return nil
            case let .waiting(c):
                s = .consumed
                return c
            case .finished, .consumed:
                return nil
            }
        }
        waiter?.resume(with: result)
    }
}
