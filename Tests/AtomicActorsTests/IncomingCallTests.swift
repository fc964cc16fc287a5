import Testing
import AtomicClusterTesting
@testable import AtomicActors

/// How a node runs the calls that reach it: targets resolved once per name, and
/// calls on one connection running side by side.
@Suite struct IncomingCallTests {
    @Test(arguments: ClusteredCallTests.placements)
    func non_generic_targets_are_resolved_once_and_answer_like_the_standard_path(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            for round in Int64(0)..<3 {
                #expect(try await remote.add(round, 40) == round + 40)            // a value
                try await remote.record(round)                                    // no value
                #expect(try await remote.divide(12, by: 4) == 3)                  // throwing, returns
                do {
                    _ = try await remote.divide(round, by: 0)                     // throwing, throws
                    Issue.record("division by zero succeeded")
                } catch let RemoteCallError.remote(typeName, message) {
                    #expect(typeName.hasSuffix("CalculatorError"))
                    #expect(message == "cannot divide \(round) by zero")
                }
                #expect(try await remote.echo("generic \(round)") == "generic \(round)")  // generic: standard path
            }
            #expect(try await remote.callCount() == 6)
            // add, record, divide and callCount; the generic echo is never cached.
            #expect(cluster[0].targets.resolvedCount == 4)
            _ = local
        }
    }

    @Test(arguments: ClusteredCallTests.placements)
    func a_call_that_suspends_does_not_hold_up_the_calls_behind_it(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            let finished = Flag()
            let slow = Task {
                defer { finished.set() }
                return try await remote.slow(milliseconds: 10_000)
            }
            await untilCallInFlight(on: cluster[1], unless: finished)
            // Same caller, same connection: answered while the slow call still sleeps.
            #expect(try await remote.add(1, 2) == 3)
            #expect(!finished.isSet)
            slow.cancel()
            _ = try? await slow.value
            _ = local
        }
    }

    @Test(arguments: ClusteredCallTests.placements)
    func the_task_that_ran_a_call_runs_the_next_one(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            // Calls one at a time: the first one's task waits for the next call
            // when it is done, and runs every later call; none is started anew.
            for round in Int64(0)..<20 {
                #expect(try await remote.add(round, 1) == round + 1)
                #expect(await eventually { cluster[0].diagnostics.idleCallTasks > 0 })
                #expect(cluster[0].diagnostics.idleCallTasks == 1)
            }
            // Calls at once need tasks of their own: more wait afterwards, within the limit.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in Int64(0)..<32 {
                    group.addTask { _ = try await remote.slow(milliseconds: 20 + round % 2) }
                }
                try await group.waitForAll()
            }
            #expect(await eventually { cluster[0].diagnostics.idleCallTasks >= 2 })
            #expect(cluster[0].diagnostics.idleCallTasks <= cluster[0].servers.maxIdle)
            _ = local
            // The cluster's leak check then finds no task waiting after shutdown.
        }
    }
}
