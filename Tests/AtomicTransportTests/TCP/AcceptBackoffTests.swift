import Testing
@testable import AtomicTransport

/// A listener with no descriptor to spare stops accepting for pauses that
/// double up to a bound and start over once it accepts again.
@Suite struct AcceptBackoffTests {
    @Test func pausesDoubleUpToTheLongestAndStayThere() {
        var backoff = AcceptBackoff()
        let pauses = (0..<12).map { _ in backoff.next() }
        #expect(Array(pauses.prefix(9)) == [5, 10, 20, 40, 80, 160, 320, 640, 1000].map { Duration.milliseconds($0) })
        #expect(pauses.dropFirst(8).allSatisfy { $0 == AcceptBackoff.longest })
    }

    @Test func anAcceptedConnectionStartsThePausesOver() {
        var backoff = AcceptBackoff()
        _ = backoff.next()
        _ = backoff.next()
        #expect(backoff.next() == .milliseconds(20))
        backoff.reset()
        #expect(backoff.next() == AcceptBackoff.first)
        #expect(backoff.next() == .milliseconds(10))
    }
}
