import Testing
@testable import AtomicRDD

@Suite struct BlockFetchTableTests {
    private let lost = BlockFetchError.connectionLost(node: "n", detail: "reset")

    @Test func aReplyReachesItsRequesterWhicheverComesFirst() throws {
        var table = BlockFetchTable<String>()
        let early = try table.open().get()
        let late = try table.open().get()
        #expect(early != late)
        // The reply before the requester parks: kept until it does.
        #expect(table.arrive(early, .success([1])) == nil)
        #expect(try table.park(early, "early")?.get() == [1])
        // The requester first: the reply hands it back.
        #expect(table.park(late, "late") == nil)
        #expect(table.arrive(late, .success([2])) == "late")
        #expect(table.count == 0)
    }

    @Test func theFirstOutcomeWinsAndUnknownIdsAreIgnored() throws {
        var table = BlockFetchTable<String>()
        let id = try table.open().get()
        #expect(table.park(id, "waiter") == nil)
        #expect(table.arrive(id, .failure(.timedOut(node: "n", after: .seconds(1)))) == "waiter")
        // The reply after the timeout, and a reply to an id never sent, find nobody.
        #expect(table.arrive(id, .success([1])) == nil)
        #expect(table.arrive(999, .success([1])) == nil)
        #expect(table.count == 0)
    }

    @Test func aCancelledRequestIsForgotten() throws {
        var table = BlockFetchTable<String>()
        let parked = try table.open().get()
        #expect(table.park(parked, "parked") == nil)
        #expect(table.cancel(parked) == "parked")
        #expect(table.arrive(parked, .success([1])) == nil)
        // Cancelled before parking: parking then fails at once.
        let unparked = try table.open().get()
        #expect(table.cancel(unparked) == nil)
        #expect(table.park(unparked, "late") == .failure(.cancelled))
        #expect(table.count == 0)
    }

    @Test func aLostConnectionFailsEveryRequestOnceAndRefusesNewOnes() throws {
        var table = BlockFetchTable<String>()
        let parked = try table.open().get()
        let notParked = try table.open().get()
        let answered = try table.open().get()
        #expect(table.park(parked, "parked") == nil)
        #expect(table.arrive(answered, .success([7])) == nil)
        #expect(table.fail(lost) == ["parked"])
        #expect(table.fail(lost).isEmpty)
        #expect(table.park(notParked, "notParked") == .failure(lost))
        // What arrived before the loss still counts.
        #expect(table.park(answered, "answered") == .success([7]))
        #expect(table.open() == .failure(lost))
        #expect(table.count == 0)
    }
}
