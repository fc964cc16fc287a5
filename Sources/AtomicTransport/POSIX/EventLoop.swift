import Glibc
import CAtomicSystem
import Foundation
import Synchronization

/// Something the event loop wakes when its file descriptor is ready.
protocol EventHandler: AnyObject, Sendable {
    /// Called on the loop's thread with the epoll event bits.
    func handle(events: UInt32)
}

/// One thread waiting in `epoll_wait` and dispatching readiness to handlers.
///
/// Owns: the epoll instance, the registry of handlers by id, a queue of closures
/// to run on its thread (woken through an eventfd). Reads and `close` of the
/// descriptors it serves happen on its thread only; writes may happen on any
/// thread (see `TCPLink`).
final class EventLoop: Sendable {
    struct Interest: OptionSet, Sendable {
        let rawValue: UInt32
        static let read = Interest(rawValue: catomic_EPOLLIN | catomic_EPOLLRDHUP)
        static let write = Interest(rawValue: catomic_EPOLLOUT)
        /// Reported whether asked for or not.
        static let error = Interest(rawValue: catomic_EPOLLERR | catomic_EPOLLHUP)
    }

    private struct State {
        var handlers: [UInt64: any EventHandler] = [:]
        var nextID: UInt64 = 1
        var tasks: [@Sendable () -> Void] = []
        var stopping = false
        /// The thread has left its loop: the eventfd is closed (or about to be),
        /// and its number may belong to another file by now.
        var exited = false
    }

    private let epoll: Int32
    let wakeFD: Int32
    private let state = Mutex(State())
    /// A read buffer for handlers; used only on the loop's thread.
    nonisolated(unsafe) let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)

    /// Starts the loop's thread.
    init(name: String = "atomic-event-loop") throws(IOError) {
        _ = Posix.ignoreSIGPIPE
        let ep = catomic_epoll_create()
        guard ep >= 0 else { throw Posix.error("epoll_create1") }
        let wake: Int32
        do { wake = try Posix.eventfd() } catch { Posix.close(ep); throw error }
        epoll = ep
        wakeFD = wake
        guard catomic_epoll_ctl(ep, catomic_EPOLL_CTL_ADD, wake, catomic_EPOLLIN, 0) == 0 else {
            let err = Posix.error("epoll_ctl")
            Posix.close(ep); Posix.close(wake)
            throw err
        }
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Registers `handler` for `fd` with `interest`; returns the registration id.
    func register(fd: Int32, interest: Interest, handler: any EventHandler) throws(IOError) -> UInt64 {
        let id = state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            s.handlers[id] = handler
            return id
        }
        guard catomic_epoll_ctl(epoll, catomic_EPOLL_CTL_ADD, fd, interest.rawValue, id) == 0 else {
            let err = Posix.error("epoll_ctl")
            _ = state.withLock { $0.handlers.removeValue(forKey: id) }
            throw err
        }
        return id
    }

    /// Changes what `fd` is watched for.
    func modify(fd: Int32, id: UInt64, interest: Interest) {
        _ = catomic_epoll_ctl(epoll, catomic_EPOLL_CTL_MOD, fd, interest.rawValue, id)
    }

    /// Stops watching `fd` and forgets its handler.
    func deregister(fd: Int32, id: UInt64) {
        _ = catomic_epoll_ctl(epoll, catomic_EPOLL_CTL_DEL, fd, 0, 0)
        _ = state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    /// True once the thread has left its loop and closed its descriptors.
    var hasExited: Bool { state.withLock { $0.exited } }

    /// Runs `task` on the loop's thread soon; once the thread has exited, never
    /// (the task is dropped, and the closed eventfd, whose number another file
    /// may hold by now, is not written).
    func execute(_ task: @escaping @Sendable () -> Void) {
        state.withLock { s in
            guard !s.exited else { return }
            s.tasks.append(task)
            // Under the lock: the thread closes the eventfd only after marking
            // itself exited under the same lock.
            Posix.signalEventfd(wakeFD)
        }
    }

    /// Asks the thread to exit after the tasks already queued; it closes the epoll
    /// instance on its way out.
    func shutdown() {
        // Only the first call touches the eventfd, under the lock (see `execute`).
        state.withLock { s in
            guard !s.stopping, !s.exited else { return }
            s.stopping = true
            Posix.signalEventfd(wakeFD)
        }
    }

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        let datas = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        defer {
            state.withLock { $0.exited = true }
            events.deallocate()
            datas.deallocate()
            scratch.deallocate()
            Posix.close(epoll)
            Posix.close(wakeFD)
        }
        while true {
            let n = catomic_epoll_wait(epoll, events, datas, Int32(capacity), -1)
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                preconditionFailure("Internal inconsistency: epoll_wait failed with errno \(Glibc.errno)")
            }
            for i in 0..<Int(n) {
                let id = datas[i]
                if id == 0 {
                    Posix.drainEventfd(wakeFD)
                    continue
                }
                let handler = state.withLock { $0.handlers[id] }
                handler?.handle(events: events[i])
            }
            let (tasks, stopping) = state.withLock { s -> ([@Sendable () -> Void], Bool) in
                let t = s.tasks
                s.tasks.removeAll()
                return (t, s.stopping)
            }
            for task in tasks { task() }
            if stopping { return }
        }
    }
}
