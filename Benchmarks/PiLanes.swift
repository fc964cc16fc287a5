/// The π benchmark's sample loop, eight samples at a time.
///
/// One xorshift64 stream is a serial chain (three dependent shift-xors a
/// draw, two draws a sample: about 4 ns a sample however wide the core). The
/// generator is linear over GF(2), so the state `n` draws ahead is a fixed
/// 64×64 bit matrix times the state: cutting the stream into eight equal
/// slices, computing each slice's first state with that matrix, and stepping
/// the eight slices side by side in SIMD lanes draws exactly the same samples
/// as the serial loop (the hits are a sum, so their order does not matter),
/// with eight independent chains in flight.
enum PiLanes {
    /// The hits among the first `samples` samples of the stream starting at
    /// `state`: the serial loop's result, computed in eight lanes.
    static func hits(state: UInt64, samples: Int) -> Int {
        let perLane = samples / 8
        let jump = BitMatrix.xorshiftStep.power(2 * perLane)
        var starts = [UInt64](repeating: state, count: 8)
        for lane in 1..<8 { starts[lane] = jump.apply(to: starts[lane - 1]) }
        var states = SIMD8<UInt64>(starts)
        var hits = SIMD8<Int64>(repeating: 0)
        let low16 = SIMD8<UInt64>(repeating: 0xFFFF)
        for _ in 0..<perLane {
            states ^= states &<< 13
            states ^= states &>> 7
            states ^= states &<< 17
            // Through Int32: SSE2 converts packed 32-bit integers to doubles, not 64-bit ones.
            let x = SIMD8<Double>(SIMD8<Int32>(truncatingIfNeeded: states & low16)) / 65535.0
            states ^= states &<< 13
            states ^= states &>> 7
            states ^= states &<< 17
            let y = SIMD8<Double>(SIMD8<Int32>(truncatingIfNeeded: states & low16)) / 65535.0
            hits &+= SIMD8<Int64>(repeating: 0).replacing(with: 1, where: x * x + y * y .<= 1)
        }
        // The last lane ends where the remainder starts.
        var generator = XorShift64(state: states[7])
        var rest = 0
        for _ in 0..<(samples - perLane * 8) {
            let x = Double(generator.next() & 0xFFFF) / 65535.0
            let y = Double(generator.next() & 0xFFFF) / 65535.0
            rest += x * x + y * y <= 1 ? 1 : 0
        }
        return Int(hits.wrappedSum()) + rest
    }
}

/// A 64×64 matrix over GF(2), as its columns: column `j` is the image of bit `j`.
struct BitMatrix {
    var columns: [UInt64]

    /// One xorshift64 (13, 7, 17) step, which is linear over GF(2).
    static let xorshiftStep = BitMatrix(columns: (0..<64).map { bit in
        var generator = XorShift64(state: 1 << UInt64(bit))
        return generator.next()
    })

    static let identity = BitMatrix(columns: (0..<64).map { 1 << UInt64($0) })

    /// The matrix times `vector`: the xor of the columns of its set bits.
    func apply(to vector: UInt64) -> UInt64 {
        var result: UInt64 = 0, rest = vector, bit = 0
        while rest != 0 {
            if rest & 1 != 0 { result ^= columns[bit] }
            rest >>= 1
            bit += 1
        }
        return result
    }

    /// `self` applied after `other`.
    func after(_ other: BitMatrix) -> BitMatrix { BitMatrix(columns: other.columns.map { apply(to: $0) }) }

    /// The matrix to the `exponent`-th power, by squaring (about 2 × 64² word operations a bit).
    func power(_ exponent: Int) -> BitMatrix {
        var result = BitMatrix.identity, base = self, rest = exponent
        while rest > 0 {
            if rest & 1 != 0 { result = base.after(result) }
            base = base.after(base)
            rest >>= 1
        }
        return result
    }
}
