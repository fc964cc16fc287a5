import Foundation
import Synchronization
import Testing
@testable import AtomicRDD
import AtomicTransport

@Suite struct ShuffleSourceTests {
    @Test func theBudgetKeepsEstimatedBytesInFlightWithinItsLimit() async {
        let budget = FetchBudget(limit: 25)
        #expect(budget.tryTake(10) && budget.tryTake(10))
        #expect(!budget.tryTake(10))
        budget.give(10)
        #expect(budget.tryTake(10))
        budget.give(10)
        budget.give(10)
        // Alone, a bucket larger than the limit still goes (counted as the limit).
        #expect(budget.tryTake(30) && budget.inFlight == 25)
        #expect(!budget.tryTake(5))
        budget.give(30)
        #expect(budget.inFlight == 0)

        // Estimates from the network cannot overflow the sum.
        #expect(budget.tryTake(Int.max) && !budget.tryTake(Int.max))
        budget.give(Int.max)
        #expect(budget.tryTake(-5) && budget.inFlight == 1)
        budget.give(-5)
        #expect(budget.inFlight == 0)
    }

    @Test func aWaitingTakerIsLetInWhenRoomIsGivenBackAndGoesFirst() async {
        let budget = FetchBudget(limit: 25)
        #expect(budget.tryTake(20))
        let waiter = Task { await budget.take(10) }
        // Wait until it is queued: from then on, a later taker may not pass it.
        while budget.tryTake(1) { budget.give(1); await Task.yield() }
        #expect(!budget.tryTake(1), "a later taker passed the one waiting")
        budget.give(20)
        await waiter.value
        #expect(budget.inFlight == 10)
        budget.give(10)
        #expect(budget.inFlight == 0)
    }

    @Test func overlappingFetchesCountTheirTimeOnce() {
        let statistics = FetchStatistics()
        let before = ContinuousClock.now
        statistics.begin()
        statistics.begin()
        // The second reducer's last bytes arrive 5 s into the period, the
        // first's 3 s in: received time is the period's, 5 s, not 8.
        statistics.end(bytes: 100, fetches: 2, lastArrival: before + .seconds(3))
        #expect(statistics.figures.seconds == 0, "a period is counted when its last fetch ends")
        statistics.end(bytes: 50, fetches: 1, lastArrival: before + .seconds(5))
        let after = ContinuousClock.now
        let figures = statistics.figures
        #expect(figures.bytes == 150 && figures.fetches == 3)
        #expect(figures.seconds > 0 && figures.seconds <= (after - before) / .seconds(1))
        #expect(figures.receivedSeconds > 4.9 && figures.receivedSeconds <= 5, "received: \(figures.receivedSeconds)")
        // A later period adds to the first.
        statistics.begin()
        statistics.end(bytes: 1, fetches: 1, lastArrival: ContinuousClock.now)
        #expect(statistics.figures.seconds >= figures.seconds && statistics.figures.bytes == 151)
    }

    @Test func aHostileFileSplitIsAWireError() throws {
        for (start, length) in [(-1, 4), (4, -1), (Int.max, 1)] {
            let bytes = WireWriter.bytes { $0.write("f"); $0.write(start); $0.write(length) }
            #expect(throws: WireError.self) { _ = try FileSplit(wireBytes: bytes) }
        }
        #expect(try FileSplit(wireBytes: FileSplit(path: "f", start: 3, length: 4).wireBytes()) == FileSplit(path: "f", start: 3, length: 4))
    }

    /// Six map outputs on another node, each with a bucket of `[mapIndex]`.
    private func source(fetch: @escaping @Sendable (NodeIdentity, Int, Int, Int) async throws -> [UInt8]) -> ShuffleSource {
        let here = NodeIdentity(endpoint: Endpoint(host: "127.0.0.1", port: 1))
        let there = NodeIdentity(endpoint: Endpoint(host: "127.0.0.1", port: 2))
        var source = ShuffleSource(locations: [7: Array(repeating: there, count: 6)], localNode: here, fetch: fetch)
        source.bucketBytes = [7: Array(repeating: 10 << 20, count: 6)]
        source.maxBytesInFlight = 25 << 20
        source.retryDelay = .zero
        return source
    }

    private static func bucket(_ mapIndex: Int) -> [UInt8] {
        var writer = WireWriter()
        writer.writeVarint(1)
        try! ShuffleBucket.writePiece(into: &writer) {
            RecordCodec<(Int, Int)>.pair(Int.self, Int.self).encodeAll([(mapIndex, mapIndex)], into: &$0)
        }
        return writer.take()
    }

    private func withTask(_ body: (TaskContext) async throws -> Void) async throws {
        let scratch = try ScratchSpace(parent: NSTemporaryDirectory(), appName: "shuffle-source-test")
        let environment = ExecutorEnvironment(executorId: "test", cores: 1, memory: 1 << 20, scratch: scratch)
        defer {
            environment.threads.stop()
            scratch.remove()
        }
        try await body(TaskContext(stageId: 0, partition: 0, attempt: 0, taskAttemptId: 0, environment: environment,
                                   cancellation: CancellationFlag()))
    }

    @Test func fetchesOfOneTaskMayRegisterTheirReadsConcurrently() async throws {
        // A join fetches its two sides at once; each fetch registers a completion
        // handler for the blocks it reads, from its own child task.
        final class Count: Sendable { let value = Atomic(0) }
        try await withTask { task in
            let ran = Count()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<20_000 { task.onCompletion { ran.value.add(1, ordering: .relaxed) } }
                    }
                }
            }
            task.runCompletionHandlers()
            #expect(ran.value.load(ordering: .relaxed) == 160_000)
            task.runCompletionHandlers()
            #expect(ran.value.load(ordering: .relaxed) == 160_000, "a handler ran twice")
        }
    }

    @Test func bucketsArriveInMapOrderWithTheLimitInFlight() async throws {
        let counts = Mutex((now: 0, most: 0))
        // The first request of each pair waits for the second: two must be in flight at once.
        let arrivals = Arrivals()
        let source = source { _, _, mapIndex, _ in
            counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            arrivals.arrive(mapIndex)
            if mapIndex.isMultiple(of: 2), mapIndex < 4 {
                let partner = await arrivals.wait(for: mapIndex + 1)
                #expect(partner, "map output \(mapIndex + 1) was not requested while \(mapIndex) was in flight")
            }
            counts.withLock { $0.now -= 1 }
            return Self.bucket(mapIndex)
        }
        try await withTask { task in
            let blocks = try await source.blocks(shuffleId: 7, mapCount: 6, reduce: 0, task: task)
            // Each block is its bucket's bytes, read as records when the reducer reads them.
            let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
            let records = try blocks.map { block -> [(Int, Int)] in
                guard case .encoded(let bytes, let range) = block else { return [] }
                var records = try codec.records(in: bytes, range: range)
                return try records.collect()
            }
            #expect(records.map { $0.map(\.0) } == (0..<6).map { [$0] })
        }
        // Two buckets of 10 MiB fit in 25 MiB; a third does not.
        #expect(counts.withLock { $0.most } == 2)
    }

    @Test func fetchesSharingABudgetKeepWithinItTogether() async throws {
        let counts = Mutex((now: 0, most: 0))
        let source = source { _, _, mapIndex, _ in
            counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            await Task.yield()
            counts.withLock { $0.now -= 1 }
            return Self.bucket(mapIndex)
        }
        // Two shuffles' fetches at once in 25 MiB: two 10 MiB buckets in flight at most, not two each.
        let (first, second) = try await blocksAtOnce(source, (shuffleId: 7, mapCount: 6, reduce: 0), (shuffleId: 7, mapCount: 6, reduce: 1))
        #expect(first == 6 && second == 6)
        #expect(counts.withLock { $0.most } <= 2)
    }

    @Test func aSmallSideIsRequestedWhileTheOtherSideHoldsMostOfTheBudget() async throws {
        // Shuffle 7: buckets of 10 MiB; shuffle 8: one of 4 MiB. In 25 MiB both
        // of 7's first buckets and 8's fit at once: each request waits for the
        // other two to be made.
        let arrivals = Arrivals()
        var source = source { _, shuffleId, mapIndex, _ in
            let key = shuffleId == 8 ? 100 : mapIndex
            arrivals.arrive(key)
            if key == 0 || key == 1 || key == 100 {
                for other in [0, 1, 100] where other != key {
                    let came = await arrivals.wait(for: other)
                    #expect(came, "request \(other) was not made while \(key) was in flight")
                }
            }
            return Self.bucket(mapIndex)
        }
        source.locations[8] = source.locations[7].map { Array($0.prefix(1)) }
        source.bucketBytes[8] = [4 << 20]
        let (large, small) = try await blocksAtOnce(source, (shuffleId: 7, mapCount: 6, reduce: 0), (shuffleId: 8, mapCount: 1, reduce: 0))
        #expect(large == 6 && small == 1)
    }

    /// The numbers of blocks of two fetches made at once by one task, within
    /// one budget of the source's bound, which is all given back after.
    private func blocksAtOnce(_ source: ShuffleSource, _ first: (shuffleId: Int, mapCount: Int, reduce: Int),
                              _ second: (shuffleId: Int, mapCount: Int, reduce: Int)) async throws -> (Int, Int) {
        var counts = (0, 0)
        try await withTask { task in
            let budget = FetchBudget(limit: source.maxBytesInFlight)
            async let other = source.blocks(shuffleId: second.shuffleId, mapCount: second.mapCount, reduce: second.reduce,
                                            task: task, budget: budget)
            let blocks = try await source.blocks(shuffleId: first.shuffleId, mapCount: first.mapCount, reduce: first.reduce,
                                                 task: task, budget: budget)
            counts = (blocks.count, try await other.count)
            #expect(budget.inFlight == 0)
        }
        return counts
    }

    @Test func aFailedFetchIsRetriedThenReportedAsAFetchFailure() async throws {
        let calls = Mutex([Int: Int]())
        var source = source { _, _, mapIndex, _ in
            let call = calls.withLock { $0[mapIndex, default: 0] += 1; return $0[mapIndex]! }
            // Map output 3 fails twice before it is served.
            if mapIndex == 3, call <= 2 { throw EngineError.invalidArgument(operation: "fetch", reason: "injected") }
            return Self.bucket(mapIndex)
        }
        try await withTask { task in
            let blocks = try await source.blocks(shuffleId: 7, mapCount: 6, reduce: 0, task: task)
            #expect(blocks.count == 6)
            #expect(calls.withLock { $0[3] } == 3)
        }
        calls.withLock { $0 = [:] }
        source.attempts = 2
        try await withTask { task in
            let error = await #expect(throws: EngineError.self) {
                _ = try await source.blocks(shuffleId: 7, mapCount: 6, reduce: 0, task: task)
            }
            guard case .fetchFailed(7, 3, 0)? = error else {
                Issue.record("expected a fetch failure of map output 3, got \(String(describing: error))")
                return
            }
            #expect(calls.withLock { $0[3] } == 2)
        }
    }
}

/// Which map outputs were requested; a request can wait for another one.
private final class Arrivals: Sendable {
    private let state = Mutex<(arrived: Set<Int>, waiters: [Int: [CheckedContinuation<Bool, Never>]])>(([], [:]))

    func arrive(_ index: Int) {
        let waiters = state.withLock { state in
            state.arrived.insert(index)
            return state.waiters.removeValue(forKey: index) ?? []
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// True once `index` has arrived; false if it has not within 10 seconds, so
    /// a fetch going one bucket at a time fails the test instead of hanging it.
    func wait(for index: Int) async -> Bool {
        let timer = Task {
            try await Task.sleep(for: .seconds(10))
            let waiters = self.state.withLock { $0.waiters.removeValue(forKey: index) ?? [] }
            for waiter in waiters { waiter.resume(returning: false) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let arrived = state.withLock { state in
                if state.arrived.contains(index) { return true }
                state.waiters[index, default: []].append(continuation)
                return false
            }
            if arrived { continuation.resume(returning: true) }
        }
    }
}
