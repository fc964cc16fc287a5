import Testing
@testable import AtomicRDD

@Suite struct ShippedSlicesTests {
    @Test func aTaskCarriesOnlyTheParallelizeSlicesItReads() async throws {
        let sc = try await Context(config: .local(cores: 1))
        let a = sc.parallelize(Array(0..<1000), numPartitions: 4)
        let b = sc.parallelize(Array(1000..<1600), numPartitions: 3)
        let both = a.union(b)
        let plan = try LineagePlan(of: both)
        #expect(plan.slices[a.id]?.count == 4)
        #expect(plan.slices[b.id]?.count == 3)
        // The 1,600 elements stay out of the plan every task carries.
        #expect(plan.wireBytes().count < 400, "plan of \(plan.wireBytes().count) bytes")
        // Partition 5 of the union is partition 1 of `b`.
        let needed = SlicesNeeded.of(both, partition: 5, available: plan.slices)
        #expect(Array(needed.keys) == [b.id])
        let slice = try #require(needed[b.id]?[1])
        #expect(needed[b.id]?.count == 1)
        #expect(try RecordCodec<Int>.wire(Int.self).decodeAll(slice) == Array(1200..<1400))
        #expect(SlicesNeeded.of(both, partition: 0, available: plan.slices).mapValues { Array($0.keys) } == [a.id: [0]])
        await sc.stop()
    }
}
