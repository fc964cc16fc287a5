import AtomicRDD

/// A Marsaglia xorshift64 generator (13, 7, 17), the generator of Atomic's suite:
/// each call steps the state, then returns it.
struct XorShift64 {
    var state: UInt64

    @inline(__always)
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// The pairs `(xorshift % modulus, index)` for `index` in `0..<count`, from one
/// xorshift stream, as an RDD generated in the tasks: partition p regenerates
/// the stream from the seed and keeps its own slice of indices (skipping the
/// ones before costs about a nanosecond each).
func xorshiftPairs(_ sc: Context, count: Int, seed: UInt64, modulus: UInt64, partitions: Int) -> RDD<(Int, Int)> {
    sc.range(0, partitions, numPartitions: partitions).mapPartitionsWithIndex { partition, _ in
        XorShiftPairs(seed: seed, modulus: modulus, indices: partition * count / partitions..<(partition + 1) * count / partitions)
    }
}

/// The pairs `(xorshift % modulus, index)` of one slice of indices of a stream.
struct XorShiftPairs: Sequence, IteratorProtocol {
    private var generator: XorShift64
    private let modulus: UInt64
    private var index: Int
    private let end: Int

    init(seed: UInt64, modulus: UInt64, indices: Range<Int>) {
        generator = XorShift64(state: seed)
        for _ in 0..<indices.lowerBound { _ = generator.next() }
        self.modulus = modulus
        index = indices.lowerBound
        end = indices.upperBound
    }

    mutating func next() -> (Int, Int)? {
        guard index < end else { return nil }
        defer { index += 1 }
        return (Int(generator.next() % modulus), index)
    }
}
