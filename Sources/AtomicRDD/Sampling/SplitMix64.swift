/// A small, fast, seedable random number generator (splitmix64): what makes
/// `sample`, `randomSplit` and the sort sample deterministic.
///
/// Each partition draws from its own stream, derived from the operator's seed
/// and the partition's index, so a recomputed partition (a retried task, a lost
/// cache block) draws exactly the same numbers.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// The stream of `seed` for partition (or other index) `stream`.
    init(seed: UInt64, stream: Int) {
        state = StableHash.mix(seed ^ StableHash.mix(UInt64(bitPattern: Int64(stream))))
    }

    /// The next 64 random bits.
    @inlinable
    mutating func next() -> UInt64 {
        // `mix` adds the golden-ratio increment before finalizing: together the
        // two lines are one splitmix64 step.
        defer { state &+= 0x9E37_79B9_7F4A_7C15 }
        return StableHash.mix(state)
    }

    /// A uniform double in [0, 1), with 53 random bits.
    @inlinable
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
