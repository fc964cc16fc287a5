/// Marsaglia's xorshift64 generator: fast, seeded, the same numbers on every
/// machine. What the examples use to generate their data deterministically.
struct XorShift: Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed` (any value, zero included).
    init(seed: UInt64) {
        // Spread the seed's bits (splitmix64's finalizer), so nearby seeds
        // start far apart; xorshift needs a state other than zero.
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        state = z == 0 ? 0x2545_F491_4F6C_DD1D : z
    }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// A number in `0..<bound` (`bound` > 0); the tiny modulo bias does not matter here.
    @inline(__always)
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A double in `[0, 1)` from the top 53 bits.
    @inline(__always)
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
