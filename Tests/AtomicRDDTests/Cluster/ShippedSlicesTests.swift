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

@Suite struct InProcessHandoffTests {
    @Test func anOutcomeLeftAfterTheDriverGaveUpIsDropped() async throws {
        let sc = try await Context(config: .local(cores: 1))
        let handoff = InProcessHandoff()
        let launch = TaskLaunch(spec: TaskSpec(taskId: 0, jobId: 0, stageId: 0, stageAttempt: 0, partition: 0, attempt: 0, outputIndex: 0),
                                work: .result { _ in 1 }, cancellation: CancellationFlag())
        let token = handoff.put(launch)
        #expect(handoff.takeLaunch(token) != nil)
        #expect(handoff.takeLaunch(token) == nil)
        handoff.discard(token)              // the driver took the worker for lost
        handoff.finish(token, InProcessHandoff.Ended(outcome: .result(1), accumulatorUpdates: []))
        #expect(handoff.takeEnded(token) == nil)
        #expect(handoff.pending == 0)
        await sc.stop()
    }
}
