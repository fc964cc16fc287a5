/// A deterministic generator (xorshift64*), so random tests repeat exactly.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    mutating func string(maxLength: Int) -> String {
        let scalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "é", "ß", "中", "🚀", "\u{0}", "\n"]
        return String(String.UnicodeScalarView((0..<Int.random(in: 0...maxLength, using: &self)).map { _ in
            scalars.randomElement(using: &self)!
        }))
    }
}
