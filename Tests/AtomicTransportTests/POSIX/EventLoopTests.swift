import Glibc
import Synchronization
import Testing
@testable import AtomicTransport

@Suite struct EventLoopTests {
    /// Waits, yielding, until `loop`'s thread has left its loop.
    private func exited(_ loop: EventLoop) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while !loop.hasExited {
            if ContinuousClock.now > deadline { return false }
            await Task.yield()
        }
        return true
    }

    @Test func a_task_queued_after_the_thread_exited_neither_runs_nor_writes_the_closed_eventfd() async throws {
        let loop = try EventLoop()
        let wakeNumber = loop.wakeFD
        let ran = Atomic(0)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                ran.add(1, ordering: .relaxed)
                done.resume()
            }
        }
        loop.shutdown()
        try #require(await exited(loop))
        // Descriptors are handed out lowest number first: pipes opened now take
        // the numbers the loop closed, its eventfd's among them.
        var pipes: [(read: Int32, write: Int32)] = []
        defer { for p in pipes { close(p.read); close(p.write) } }
        while pipes.count < 64, !pipes.contains(where: { $0.read == wakeNumber || $0.write == wakeNumber }) {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
            pipes.append((ends[0], ends[1]))
        }
        loop.execute { ran.add(1, ordering: .relaxed) }
        loop.shutdown()
        #expect(ran.load(ordering: .relaxed) == 1, "a task after exit does not run")
        // A write to the old eventfd number would land in the pipe that holds it now.
        for p in pipes {
            var byte: UInt8 = 0
            #expect(read(p.read, &byte, 1) == -1 && errno == EAGAIN, "nothing was written into a descriptor the loop no longer owns")
        }
    }
}
