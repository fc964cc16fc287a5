/// How long a listener out of descriptors, with no spare left to shed a
/// waiting connection with, stops accepting: 5 ms, doubled each time while
/// descriptors stay out, up to 1 s; back to 5 ms once a connection is accepted.
struct AcceptBackoff: Sendable {
    /// The first pause.
    static let first: Duration = .milliseconds(5)
    /// The longest pause.
    static let longest: Duration = .seconds(1)

    private var upcoming = AcceptBackoff.first

    /// The pause to take now; the one after it is twice as long, up to ``longest``.
    mutating func next() -> Duration {
        defer { upcoming = min(upcoming * 2, Self.longest) }
        return upcoming
    }

    /// A connection was accepted: the next pause is ``first`` again.
    mutating func reset() {
        upcoming = Self.first
    }
}
