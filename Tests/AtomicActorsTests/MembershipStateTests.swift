import Foundation
import Testing
@testable import AtomicActors

/// Membership and failure detection as a pure state machine, with hand-made time.
@Suite struct MembershipStateTests {
    let me = NodeIdentity(endpoint: Endpoint(host: "h", port: 1), incarnation: 1)
    let a = NodeIdentity(endpoint: Endpoint(host: "h", port: 2), incarnation: 10)
    let b = NodeIdentity(endpoint: Endpoint(host: "h", port: 3), incarnation: 20)

    func fresh() -> MembershipState {
        MembershipState(local: me, unreachableAfter: .seconds(1), downAfter: .seconds(3))
    }

    @Test func a_node_heard_from_for_the_first_time_is_up() {
        var state = fresh()
        #expect(state.heard(from: a, at: .zero) == [.up(a)])
        #expect(state.heard(from: a, at: .milliseconds(10)) == [])
        #expect(state.status(of: a) == .up)
        #expect(state.liveMembers == [a])
    }

    @Test func silence_makes_a_member_unreachable_then_down() {
        var state = fresh()
        _ = state.heard(from: a, at: .zero)
        #expect(state.tick(now: .milliseconds(999)) == [])
        #expect(state.tick(now: .seconds(1)) == [.unreachable(a)])
        #expect(state.tick(now: .seconds(2)) == [])
        #expect(state.tick(now: .seconds(3)) == [.down(a)])
        #expect(state.status(of: a) == .down)
        #expect(state.liveMembers.isEmpty)
        #expect(state.tick(now: .seconds(10)) == [])
    }

    @Test func an_unreachable_member_heard_again_is_reachable() {
        var state = fresh()
        _ = state.heard(from: a, at: .zero)
        _ = state.tick(now: .seconds(2))
        #expect(state.heard(from: a, at: .milliseconds(2100)) == [.reachable(a)])
        #expect(state.tick(now: .seconds(3)) == [])
    }

    @Test func a_long_silence_reports_unreachable_and_down_in_one_tick() {
        var state = fresh()
        _ = state.heard(from: a, at: .zero)
        #expect(state.tick(now: .seconds(5)) == [.unreachable(a), .down(a)])
    }

    @Test func a_down_member_is_never_resurrected_by_late_messages() {
        var state = fresh()
        _ = state.heard(from: a, at: .zero)
        _ = state.tick(now: .seconds(5))
        #expect(state.heard(from: a, at: .seconds(6)) == [])
        #expect(state.status(of: a) == .down)
    }

    @Test func a_new_incarnation_at_the_same_address_is_a_new_member() {
        var state = fresh()
        _ = state.heard(from: a, at: .zero)
        var restarted = a
        restarted.incarnation = 11
        #expect(state.heard(from: restarted, at: .seconds(1)) == [.down(a), .up(restarted)])
        #expect(state.status(of: a) == .down)
        #expect(state.status(of: restarted) == .up)
        // The old incarnation's late heartbeat changes nothing.
        #expect(state.heard(from: a, at: .seconds(2)) == [])
        #expect(state.status(of: restarted) == .up)
    }

    @Test func marking_down_is_immediate_and_once() {
        var state = fresh()
        _ = state.heard(from: a, at: .zero)
        _ = state.heard(from: b, at: .zero)
        #expect(state.markDown(b) == [.down(b)])
        #expect(state.markDown(b) == [])
        #expect(state.liveMembers == [a])
    }

    @Test func past_its_limit_a_newcomer_takes_only_a_down_members_place() {
        var state = MembershipState(local: me, unreachableAfter: .seconds(1), downAfter: .seconds(3), maxMembers: 2)
        let c = NodeIdentity(endpoint: Endpoint(host: "h", port: 4), incarnation: 30)
        _ = state.heard(from: a, at: .zero)
        _ = state.heard(from: b, at: .zero)
        #expect(state.heard(from: c, at: .zero) == [], "a third member is ignored while both are up")
        #expect(state.status(of: c) == nil)
        #expect(state.markDown(a) == [.down(a)])
        #expect(state.heard(from: c, at: .seconds(1)) == [.up(c)])
        #expect(state.trackedCount == 2)
        #expect(state.liveMembers.sorted { $0.description < $1.description } == [b, c])
        #expect(state.status(of: a) == .down, "the member whose place was taken stays down")
        #expect(state.heard(from: a, at: .seconds(2)) == [])
    }

    @Test func the_earliest_tombstones_are_forgotten_first_past_the_limit() {
        var state = MembershipState(local: me, unreachableAfter: .seconds(1), downAfter: .seconds(3), maxTombstones: 2)
        let incarnations = (1...3).map { NodeIdentity(endpoint: Endpoint(host: "h", port: 2), incarnation: UInt64($0)) }
        for (second, node) in incarnations.enumerated() {
            _ = state.heard(from: node, at: .seconds(Int64(second)))
            _ = state.markDown(node)
        }
        #expect(state.tombstoneCount == 2)
        #expect(state.trackedCount == 1)
        // The first tombstone is forgotten; that incarnation is still down, older than the one tracked.
        #expect(state.status(of: incarnations[0]) == .down)
        #expect(state.status(of: incarnations[1]) == .down)
        #expect(state.status(of: incarnations[2]) == .down)
    }

    @Test func a_replaced_incarnation_stays_out_after_its_tombstone_is_forgotten() {
        var state = MembershipState(local: me, unreachableAfter: .seconds(1), downAfter: .seconds(3), maxTombstones: 1)
        _ = state.heard(from: a, at: .zero)
        var restarted = a
        restarted.incarnation = a.incarnation + 1
        #expect(state.heard(from: restarted, at: .seconds(1)) == [.down(a), .up(restarted)])
        // Another death takes the only tombstone: `a`'s is forgotten.
        _ = state.heard(from: b, at: .seconds(1))
        _ = state.markDown(b)
        #expect(state.tombstoneCount == 1)
        // A late message from the replaced process neither brings it back nor
        // takes the restarted one down.
        #expect(state.heard(from: a, at: .seconds(2)) == [])
        #expect(state.status(of: a) == .down)
        #expect(state.status(of: restarted) == .up)
        #expect(state.liveMembers == [restarted])
    }

    @Test func new_incarnations_grow_with_the_clock() {
        let first = NodeIdentity.newIncarnation(), second = NodeIdentity.newIncarnation()
        #expect(second >> 20 >= first >> 20, "the later start has the earlier millisecond")
        #expect(first & (1 << 20 - 1) != 0 && second & (1 << 20 - 1) != 0)
        let milliseconds = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect((first >> 20) <= milliseconds && milliseconds - (first >> 20) < 60_000)
    }

    @Test func this_node_is_never_a_member_of_its_own_view() {
        var state = fresh()
        #expect(state.heard(from: me, at: .zero) == [])
        #expect(state.liveMembers.isEmpty)
    }
}

@Suite struct ManualTimeSourceTests {
    @Test func sleepers_wake_only_when_the_clock_passes_their_deadline() async throws {
        let clock = ManualTimeSource()
        let woke = Task { try await clock.sleep(for: .seconds(5)); return clock.now() }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        #expect(try await woke.value == .seconds(5))
    }

    @Test func a_cancelled_sleeper_throws() async {
        let clock = ManualTimeSource()
        let sleeper = Task { try await clock.sleep(for: .seconds(1)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
