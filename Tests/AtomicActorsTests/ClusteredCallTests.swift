import Foundation
import Synchronization
import Testing
import AtomicClusterTesting
@testable import AtomicActors

/// A service for clustered tests.
distributed actor Calculator {
    typealias ActorSystem = ClusterSystem
    private var calls = 0

    distributed func add(_ a: Int64, _ b: Int64) -> Int64 {
        calls += 1
        return a + b
    }

    distributed func record(_ value: Int64) { calls += 1 }

    distributed func callCount() -> Int { calls }

    distributed func echo<Value: WireCodable & Sendable>(_ value: Value) -> Value { value }

    distributed func divide(_ a: Int64, by b: Int64) throws -> Int64 {
        guard b != 0 else { throw CalculatorError.divisionByZero(a) }
        return a / b
    }

    distributed func slow(milliseconds: Int64) async throws -> Int64 {
        try await Task.sleep(for: .milliseconds(milliseconds))
        return milliseconds
    }
}

/// Counts the calls it runs at once.
distributed actor Occupancy {
    typealias ActorSystem = ClusterSystem
    private var running = 0
    private var most = 0

    /// Runs for `milliseconds` (suspended, so other calls run meanwhile); returns the most at once so far.
    distributed func occupy(milliseconds: Int64) async throws -> Int {
        running += 1
        most = max(most, running)
        defer { running -= 1 }
        try await Task.sleep(for: .milliseconds(milliseconds))
        return most
    }
}

enum CalculatorError: Error, CustomStringConvertible {
    case divisionByZero(Int64)
    var description: String {
        switch self { case let .divisionByZero(a): return "cannot divide \(a) by zero" }
    }
}

/// Set once, read from any task.
final class Flag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Yields until `system` has a call waiting for its reply, or the call already
/// ended (a failure the test's assertions then report, instead of a hang).
func untilCallInFlight(on system: ClusterSystem, unless finished: Flag) async {
    while system.diagnostics.pendingCalls == 0 && !finished.isSet { await Task.yield() }
}

/// Whether `condition` holds within 10 seconds, checked between yields: for
/// state another task reaches soon, without a sleep, and without a hang when it
/// never does.
func eventually(_ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        await Task.yield()
    }
    return true
}

/// Hosts a calculator on node `host` of `cluster` and resolves it from node `caller`.
func calculator(_ cluster: InProcessCluster, on host: Int, from caller: Int) throws -> (local: Calculator, remote: Calculator) {
    let local = cluster[host].withPath("/user/calculator") { Calculator(actorSystem: cluster[host]) }
    let remote = try Calculator.resolve(id: local.id, using: cluster[caller])
    return (local, remote)
}

/// Calls across nodes, on both placements with the same assertions.
@Suite struct ClusteredCallTests {
    static let placements: [InProcessCluster.Placement] = [.inMemory, .loopbackTCP]

    @Test(arguments: placements)
    func calls_across_three_nodes_return_results(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 2, from: 1)
            #expect(try await remote.add(40, 2) == 42)
            try await remote.record(7)
            #expect(try await remote.callCount() == 2)
            // The probe on every node answers every other node.
            for from in 0..<3 {
                for to in 0..<3 where to != from {
                    let probe = try cluster[from].probe(on: cluster[to].identity)
                    #expect(try await probe.node() == cluster[to].identity)
                    #expect(try await probe.echo([UInt8(from), UInt8(to)]) == [UInt8(from), UInt8(to)])
                }
            }
            _ = local
        }
    }

    @Test(arguments: placements)
    func generic_distributed_functions_round_trip_any_wire_codable(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            #expect(try await remote.echo("text") == "text")
            #expect(try await remote.echo([1.5, 2.5]) == [1.5, 2.5])
            #expect(try await remote.echo(["k": [Int64(1)]]) == ["k": [1]])
            #expect(try await remote.echo(WirePair("key", Int32(3))) == WirePair("key", 3))
            _ = local
        }
    }

    @Test(arguments: placements)
    func a_thrown_error_comes_back_with_its_type_name_and_message(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            do {
                _ = try await remote.divide(9, by: 0)
                Issue.record("division by zero succeeded")
            } catch let RemoteCallError.remote(typeName, message) {
                #expect(typeName.hasSuffix("CalculatorError"))
                #expect(message == "cannot divide 9 by zero")
            }
            #expect(try await remote.divide(9, by: 3) == 3)
            _ = local
        }
    }

    @Test(arguments: placements)
    func a_call_past_its_timeout_fails_with_a_typed_error(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            let start = ContinuousClock.now
            do {
                _ = try await ClusterSystem.$callTimeout.withValue(.milliseconds(100)) {
                    try await remote.slow(milliseconds: 10_000)
                }
                Issue.record("a 10 s call finished within a 100 ms timeout")
            } catch let RemoteCallError.timedOut(target, node, after) {
                #expect(target.contains("slow"))
                #expect(node == cluster[0].identity)
                #expect(after == .milliseconds(100))
            }
            // Far sooner than the 10 s the callee takes (the margin absorbs a busy machine).
            #expect(ContinuousClock.now - start < .seconds(5))
            // The late reply is ignored and the next call works.
            #expect(try await remote.add(1, 1) == 2)
            _ = local
        }
    }

    @Test(arguments: placements)
    func a_reply_from_a_node_the_call_did_not_go_to_is_dropped(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            let finished = Flag()
            let call = Task {
                defer { finished.set() }
                return try await remote.slow(milliseconds: 300)
            }
            await untilCallInFlight(on: cluster[1], unless: finished)
            // Node 2 answers node 1's call to node 0 with a value of its own.
            let ids = cluster[1].calls.withLock { Array($0.pending.keys) }
            var forged = WireWriter(capacity: 16)
            forged.write(UInt8(0))
            forged.write(Int64(-1))
            let link = try await cluster[2].peer(for: cluster[1].identity)
            for id in ids { try await link.send(Frame(kind: .reply, correlationID: id, payload: forged.bytes)) }
            #expect(try await call.value == 300, "the caller gets node 0's answer, not node 2's")
            _ = local
        }
    }

    @Test(arguments: placements)
    func a_node_cannot_announce_the_leave_or_a_new_incarnation_of_another(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            let (localOn1, remoteOn1) = try calculator(cluster, on: 1, from: 2)
            #expect(try await remote.add(1, 1) == 2)
            // Node 2 tells node 1 that node 0 leaves, and that node 0 restarted.
            let restarted = NodeIdentity(endpoint: cluster[0].identity.endpoint, incarnation: cluster[0].identity.incarnation &+ 1)
            let link = try await cluster[2].peer(for: cluster[1].identity)
            try await link.send(Frame(kind: .message, payload: ControlMessage.leaving(cluster[0].identity).wireBytes()))
            try await link.send(Frame(kind: .message, payload: ControlMessage.join(restarted).wireBytes()))
            // A call behind them on the same connection: node 1 has read them when it answers.
            #expect(try await remoteOn1.add(2, 2) == 4)
            #expect(try await remote.add(3, 4) == 7, "node 1 still sees node 0 up and calls it")
            _ = (local, localOn1)
        }
    }

    @Test(arguments: placements)
    func member_lists_are_taken_from_the_seed_only_and_within_the_limit(placement: InProcessCluster.Placement) async throws {
        var settings = InProcessCluster.fastSettings()
        settings.maxMembers = 4
        try await InProcessCluster.with(nodes: 3, placement: placement, settings: settings) { cluster in
            let (local, remote) = try calculator(cluster, on: 1, from: 2)
            let (localOn1, remoteOn1) = try calculator(cluster, on: 1, from: 0)
            let made = (1...7).map { NodeIdentity(endpoint: Endpoint(host: "127.0.0.1", port: UInt16(40_000 + $0))) }
            // Node 2 is not node 1's seed: its list is dropped.
            let fromPeer = try await cluster[2].peer(for: cluster[1].identity)
            try await fromPeer.send(Frame(kind: .message, payload: ControlMessage.members([made[0]]).wireBytes()))
            // The seed's list over the limit is dropped whole; within it, taken.
            let fromSeed = try await cluster[0].peer(for: cluster[1].identity)
            try await fromSeed.send(Frame(kind: .message, payload: ControlMessage.members(Array(made[1...])).wireBytes()))
            try await fromSeed.send(Frame(kind: .message, payload: ControlMessage.members([made[1]]).wireBytes()))
            // Calls behind them on the same connections: node 1 has read them when it answers.
            #expect(try await remote.add(1, 1) == 2)
            #expect(try await remoteOn1.add(2, 2) == 4)
            #expect(cluster[1].status(of: made[0]) == nil, "a list from a peer that is not the seed was taken")
            for node in made[2...] { #expect(cluster[1].status(of: node) == nil, "a list over the limit was taken") }
            #expect(cluster[1].status(of: made[1]) == .up)
            _ = (local, localOn1)
        }
    }

    @Test(arguments: placements)
    func a_seed_at_its_limit_refuses_a_joiner_with_a_typed_error(placement: InProcessCluster.Placement) async throws {
        var settings = InProcessCluster.fastSettings()
        settings.maxMembers = 1
        try await InProcessCluster.with(nodes: 2, placement: placement, settings: settings) { cluster in
            let transport: any Transport, endpoint: Endpoint
            switch placement {
            case .loopbackTCP:
                transport = try TCPTransport()
                endpoint = Endpoint(host: "127.0.0.1", port: 0)
            case .inMemory:
                transport = try #require(cluster.network).makeTransport(host: "late")
                endpoint = Endpoint(host: "late", port: 0)
            }
            do {
                let late = try await ClusterSystem.start(transport: transport, listenOn: endpoint,
                                                         seed: cluster[0].identity.endpoint, settings: settings)
                await late.shutdown()
                Issue.record("a joiner past the seed's limit was admitted")
            } catch let JoinError.refused(seed, reason) {
                #expect(seed == cluster[0].identity)
                #expect(reason.contains("1 other node"), "\(reason)")
            }
            await transport.shutdown()
            // The seed tracks only the member it had, and calls still work.
            #expect(cluster[0].members == [cluster[1].identity])
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            #expect(try await remote.add(20, 22) == 42)
            _ = local
        }
    }

    @Test(arguments: placements)
    func a_connection_runs_at_most_its_limit_of_calls_at_once_and_the_rest_wait(placement: InProcessCluster.Placement) async throws {
        var settings = InProcessCluster.fastSettings()
        settings.maxCallsPerConnection = 2
        try await InProcessCluster.with(nodes: 2, placement: placement, settings: settings) { cluster in
            let local = cluster[0].withPath("/user/occupancy") { Occupancy(actorSystem: cluster[0]) }
            let remote = try Occupancy.resolve(id: local.id, using: cluster[1])
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await remote.occupy(milliseconds: 20) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 8, "every call answered")
            #expect(answers.max() == 2, "never more than 2 at once: \(answers)")
        }
    }

    @Test(arguments: placements)
    func cancelling_the_calling_task_ends_the_call(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 0, from: 1)
            let finished = Flag()
            let call = Task {
                defer { finished.set() }
                return try await remote.slow(milliseconds: 5000)
            }
            await untilCallInFlight(on: cluster[1], unless: finished)
            call.cancel()
            await #expect(throws: CancellationError.self) { _ = try await call.value }
            #expect(cluster[1].diagnostics.pendingCalls == 0)
            _ = local
        }
    }

    @Test(arguments: placements)
    func calling_an_address_where_no_actor_lives_is_actor_not_found(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let ghost = ActorAddress(node: cluster[0].identity, path: "/user/nobody")
            let remote = try Calculator.resolve(id: ghost, using: cluster[1])
            await #expect(throws: RemoteCallError.actorNotFound(ghost)) { _ = try await remote.add(1, 2) }
        }
    }

    @Test(arguments: placements)
    func a_node_killed_mid_call_makes_the_caller_fail_within_its_timeout(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let (local, remote) = try calculator(cluster, on: 2, from: 0)
            let start = ContinuousClock.now
            let finished = Flag()
            let call = Task {
                defer { finished.set() }
                return try await ClusterSystem.$callTimeout.withValue(.seconds(3)) { try await remote.slow(milliseconds: 10_000) }
            }
            await untilCallInFlight(on: cluster[0], unless: finished)
            await cluster.kill(2)
            do {
                _ = try await call.value
                Issue.record("a call to a killed node succeeded")
            } catch let error as RemoteCallError {
                switch error {
                case .nodeDown, .nodeUnreachable, .timedOut: break
                default: Issue.record("unexpected \(error)")
                }
            }
            // Within the call's 3 s timeout (plus scheduling slack), long before the callee's 10 s.
            #expect(ContinuousClock.now - start < .seconds(5))
            _ = local
        }
    }

    @Test(arguments: placements)
    func a_killed_node_is_seen_down_and_later_calls_fail_at_once(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let victim = cluster[2].identity
            let events = cluster[0].membershipEvents()
            await cluster.kill(2)
            for await event in events where event == .down(victim) { break }
            #expect(cluster[0].status(of: victim) == .down)
            let probe = try cluster[0].probe(on: victim)
            let start = ContinuousClock.now
            await #expect(throws: RemoteCallError.nodeDown(victim)) { _ = try await probe.echo([]) }
            // At once: no connection attempt, no timeout.
            #expect(ContinuousClock.now - start < .seconds(1))
        }
    }

    @Test(arguments: placements)
    func a_node_called_before_it_was_killed_is_not_called_over_its_old_connection(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let victim = cluster[2].identity
            let probe = try cluster[0].probe(on: victim)
            // The route to the victim is now the last one node 0 took.
            #expect(try await probe.echo([1]) == [1])
            let events = cluster[0].membershipEvents()
            await cluster.kill(2)
            for await event in events where event == .down(victim) { break }
            // Down, not a failed send over the connection the last call took.
            await #expect(throws: RemoteCallError.nodeDown(victim)) { _ = try await probe.echo([]) }
        }
    }

    @Test(arguments: placements)
    func a_call_reaches_the_actor_now_at_its_path_not_the_one_found_there_before(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let (first, remote) = try calculator(cluster, on: 0, from: 1)
            #expect(try await remote.add(1, 1) == 2)
            #expect(try await remote.callCount() == 1)
            // Another actor takes the path while the first one lives on: the
            // callee's reader must not keep using the one it found before.
            let second = cluster[0].withPath("/user/calculator") { Calculator(actorSystem: cluster[0]) }
            #expect(try await remote.callCount() == 0)
            #expect(try await first.callCount() == 1)
            _ = second
        }
    }

    @Test(arguments: placements)
    func a_thousand_concurrent_calls_from_several_nodes_are_each_answered_once(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 3, placement: placement) { cluster in
            let local = cluster[0].withPath("/user/calculator") { Calculator(actorSystem: cluster[0]) }
            let callers = try [1, 2].map { try Calculator.resolve(id: local.id, using: cluster[$0]) }
            let sums = try await withThrowingTaskGroup(of: (Int64, Int64).self) { group in
                for index in 0..<1000 {
                    let caller = callers[index % 2]
                    group.addTask { (Int64(index), try await caller.add(Int64(index), 1_000_000)) }
                }
                var results: [Int64: Int64] = [:]
                for try await (index, sum) in group {
                    #expect(results.updateValue(sum, forKey: index) == nil, "answer \(index) arrived twice")
                }
                return results
            }
            #expect(sums.count == 1000)
            #expect(sums.allSatisfy { $0.value == $0.key + 1_000_000 })
            #expect(try await local.callCount() == 1000)
        }
    }
}

/// Faults only the in-memory network can inject.
@Suite struct ClusterFaultTests {
    @Test func a_partition_heals_and_calls_resume() async throws {
        var settings = InProcessCluster.fastSettings()
        settings.downAfter = .seconds(30)   // stay unreachable, not down, during the partition
        try await InProcessCluster.with(nodes: 3, placement: .inMemory, settings: settings) { cluster in
            let local = cluster[2].withPath("/user/calculator") { Calculator(actorSystem: cluster[2]) }
            let remote = try Calculator.resolve(id: local.id, using: cluster[0])
            #expect(try await remote.add(1, 2) == 3)
            try cluster.partition([0, 1], [2])
            let events = cluster[0].membershipEvents()
            await #expect(throws: RemoteCallError.self) {
                try await ClusterSystem.$callTimeout.withValue(.milliseconds(200)) { _ = try await remote.add(1, 2) }
            }
            for await event in events where event == .unreachable(cluster[2].identity) { break }
            try cluster.heal()
            for await event in events where event == .reachable(cluster[2].identity) { break }
            #expect(try await remote.add(2, 3) == 5)
        }
    }

    @Test func dropped_messages_time_out_and_delayed_ones_arrive() async throws {
        try await InProcessCluster.with(nodes: 2, placement: .inMemory) { cluster in
            let local = cluster[0].withPath("/user/calculator") { Calculator(actorSystem: cluster[0]) }
            let remote = try Calculator.resolve(id: local.id, using: cluster[1])
            try cluster.drop(from: 1, to: 0, rate: 1.0)
            await #expect(throws: RemoteCallError.self) {
                try await ClusterSystem.$callTimeout.withValue(.milliseconds(100)) { _ = try await remote.add(1, 2) }
            }
            try cluster.heal()
            try cluster.slowDown(0, by: .milliseconds(40))
            let start = ContinuousClock.now
            #expect(try await remote.add(3, 4) == 7)
            #expect(ContinuousClock.now - start >= .milliseconds(80))
            try cluster.heal()
        }
    }
}

/// Takes one-way messages and remembers their order.
distributed actor Recorder: OneWayReceiver {
    typealias ActorSystem = ClusterSystem
    private var seen: [Int64] = []

    func receive(_ message: Int64) { seen.append(message) }

    distributed func received() -> [Int64] { seen }
}

@Suite struct OneWayMessageTests {
    @Test(arguments: ClusteredCallTests.placements)
    func one_way_messages_arrive_once_and_in_order(placement: InProcessCluster.Placement) async throws {
        try await InProcessCluster.with(nodes: 2, placement: placement) { cluster in
            let recorder = cluster[0].withPath("/user/recorder") { Recorder(actorSystem: cluster[0]) }
            for chunk in stride(from: Int64(0), to: 1000, by: 100) {
                try await cluster[1].post(Array(chunk..<(chunk + 100)), to: recorder.id)
            }
            try await cluster[1].post(Int64(1000), to: recorder.id)
            // A call after the messages, over the same connection, sees them all.
            let remote = try Recorder.resolve(id: recorder.id, using: cluster[1])
            #expect(try await remote.received() == Array(0...1000))
        }
    }

    @Test func posting_to_a_missing_local_actor_is_a_typed_error() async throws {
        try await InProcessCluster.with(nodes: 1, placement: .inMemory) { cluster in
            let ghost = ActorAddress(node: cluster[0].identity, path: "/user/ghost")
            await #expect(throws: RemoteCallError.actorNotFound(ghost)) { try await cluster[0].post(Int64(1), to: ghost) }
        }
    }
}

@Suite struct IncarnationTests {
    @Test func a_node_restarted_at_the_same_address_is_a_new_incarnation() async throws {
        try await InProcessCluster.with(nodes: 3, placement: .inMemory) { cluster in
            let old = cluster[2].identity
            let events = cluster[0].membershipEvents()
            await cluster.kill(2)
            let network = try #require(cluster.network)
            let restarted = try await ClusterSystem.start(transport: network.makeTransport(host: old.host),
                                                         listenOn: old.endpoint, seed: cluster[0].identity.endpoint,
                                                         settings: InProcessCluster.fastSettings())
            #expect(restarted.identity.endpoint == old.endpoint)
            #expect(restarted.identity.incarnation != old.incarnation)
            var sawUp = false, sawOldDown = false
            for await event in events {
                if event == .up(restarted.identity) { sawUp = true }
                if event == .down(old) { sawOldDown = true }
                if sawUp && sawOldDown { break }
            }
            #expect(cluster[0].status(of: old) == .down)
            #expect(cluster[0].status(of: restarted.identity) == .up)
            // The old incarnation is never reached by mistake; the new one answers.
            await #expect(throws: RemoteCallError.nodeDown(old)) { _ = try await cluster[0].probe(on: old).echo([]) }
            #expect(try await cluster[0].probe(on: restarted.identity).node() == restarted.identity)
            await restarted.shutdown()
        }
    }
}
