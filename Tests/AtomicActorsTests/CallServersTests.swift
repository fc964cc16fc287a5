import Testing
@testable import AtomicActors

/// The tasks kept to run incoming calls: a handed-off call reaches a waiting
/// task, no more than the limit wait, and closing ends them all.
@Suite struct CallServersTests {
    /// Waits until `servers` has `count` tasks waiting; an issue if it never does.
    private func untilIdle(_ servers: CallServers<Int>, count: Int) async {
        let reached = await eventually { servers.idleCount == count }
        #expect(reached, "\(servers.idleCount) tasks waiting, not \(count)")
    }

    @Test func a_call_with_no_task_waiting_is_not_taken() {
        let servers = CallServers<Int>(maxIdle: 4)
        #expect(!servers.handOff(1))
        #expect(servers.idleCount == 0)
    }

    @Test func a_waiting_task_gets_each_call_handed_off_in_turn() async {
        let servers = CallServers<Int>(maxIdle: 4)
        let task = Task { () -> [Int] in
            var got: [Int] = []
            while let work = await servers.next() { got.append(work) }
            return got
        }
        for work in 1...5 {
            await untilIdle(servers, count: 1)
            #expect(servers.handOff(work))
        }
        await untilIdle(servers, count: 1)
        servers.close()
        #expect(await task.value == [1, 2, 3, 4, 5])
        #expect(servers.idleCount == 0)
    }

    @Test func no_more_than_the_limit_wait_and_the_rest_end() async {
        let servers = CallServers<Int>(maxIdle: 2)
        let waiting = (0..<2).map { _ in Task { await servers.next() } }
        await untilIdle(servers, count: 2)
        // A third task finds the limit reached and is told to end at once.
        #expect(await servers.next() == nil)
        #expect(servers.idleCount == 2)
        #expect(servers.handOff(7))
        #expect(servers.handOff(8))
        #expect(!servers.handOff(9))
        servers.close()
        var got: [Int] = []
        for task in waiting { if let work = await task.value { got.append(work) } }
        #expect(got.sorted() == [7, 8])
    }

    @Test func closing_ends_waiting_tasks_and_later_ones_at_once() async {
        let servers = CallServers<Int>(maxIdle: 8)
        let waiting = (0..<3).map { _ in Task { await servers.next() } }
        await untilIdle(servers, count: 3)
        servers.close()
        for task in waiting { #expect(await task.value == nil) }
        #expect(await servers.next() == nil)
        #expect(!servers.handOff(1))
        #expect(servers.idleCount == 0)
    }
}
