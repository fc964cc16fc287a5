import AtomicTransport
import Foundation

/// A fixed set of threads that run the synchronous record loops of tasks.
///
/// Record loops never run on Swift's cooperative pool: a long loop there would
/// stall every actor of the process (schedulers, heartbeats, the transport's
/// readers). A task builds its pipeline in async code, then hands the loop here.
final class TaskThreadPool: @unchecked Sendable {
    // `@unchecked Sendable`: `queue` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var stopped = false

    init(threads count: Int, name: String) {
        for index in 0..<max(1, count) {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads with `context` as the current task.
    func run<T: Sendable>(_ context: TaskContext?, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: () -> Void = {
                TaskThread.currentTask = context
                defer { TaskThread.currentTask = nil }
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            condition.lock()
            if stopped {
                condition.unlock()
                continuation.resume(throwing: CancellationError())
                return
            }
            queue.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    /// Lets the threads finish queued work and exit.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped { condition.unlock(); return }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// The task a pool thread is running.
enum TaskThread {
    private static let slot = ThreadLocalSlot<TaskContext>()

    /// The task the calling thread is running, if it is a pool thread inside a task.
    static var currentTask: TaskContext? {
        get { slot.value }
        set { slot.value = newValue }
    }
}
