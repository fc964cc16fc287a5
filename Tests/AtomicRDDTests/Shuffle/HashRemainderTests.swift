import Testing
@testable import AtomicRDD

extension EngineSuite {
/// The division-free remainder of the map loop: equal to `%` for every
/// divisor and value tried, the extremes included.
@Suite struct HashRemainderTests {
    static let divisors: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8, 12, 64, 100, 200, 1_000, 4_095,
                                     (1 << 32) - 1, 1 << 32, (1 << 32) + 1, 1 << 63, (1 << 63) + 1,
                                     UInt64.max - 1, UInt64.max]

    @Test(arguments: divisors)
    func equalsTheRemainderOfADivision(divisor: UInt64) {
        let remainder = HashRemainder(divisor: divisor)
        var generator = SplitMix64(seed: divisor, stream: 0)
        let edges: [UInt64] = [0, 1, divisor &- 1, divisor, divisor &+ 1, divisor &* 2 &- 1,
                               UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) - 1]
        for value in edges + (0..<2_000).map(UInt64.init) + (0..<20_000).map({ _ in generator.next() }) {
            #expect(remainder.of(value) == value % divisor, "\(value) % \(divisor)")
        }
    }

    @Test func stableHashesLandWhereTheHashPartitionerSendsThem() {
        for partitions in [1, 2, 3, 6, 7, 64] {
            let partitioner = HashPartitioner(partitions: partitions)
            let remainder = HashRemainder(divisor: UInt64(partitions))
            for key in -2_000...2_000 {
                #expect(Int(remainder.of(key.stableHash)) == partitioner.partition(of: key), "key \(key), \(partitions) partitions")
            }
        }
    }
}
}
