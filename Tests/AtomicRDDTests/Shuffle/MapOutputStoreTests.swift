import Foundation
import Testing
@testable import AtomicRDD

@Suite struct MapOutputStoreTests {
    typealias Pairs = ShuffleDependency<Int, Int, Int>
    static let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)

    /// A registered output of two reducers, its buckets in memory and holding
    /// `bytes` of `budget`, which its mover writes into `folder`.
    static func keptOutput(_ buckets: [[(Int, Int)]], bytes: Int, budget: MemoryBudget,
                           folder: TemporaryFolder, name: String) -> MapOutput {
        budget.forceAcquire(bytes)
        var output = MapOutput(memory: buckets.map { $0.isEmpty ? nil : $0 }, segments: buckets.map { _ in [] },
                               memoryBytes: bytes, files: [])
        output.moveToDisk = Pairs.mover(output, codec: codec, makeEncoder: { _ in { _ in EncodedBucket(bytes: []) } },
                                        path: { folder.file(name) })
        return output
    }

    static func records(_ blocks: [ShuffleBlock]) throws -> [[Int]] {
        try blocks.map { block in
            switch block {
            case .memory(let values): return (values as! [(Int, Int)]).map(\.1)
            case .disk(let segment): return try codec.decodeAll(RunFileReader.encodedRecords(segment)).map(\.1)
            }
        }
    }

    @Test func a_refused_reduce_side_request_moves_the_earliest_kept_outputs_to_disk() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let budget = MemoryBudget(capacity: 1_000)
        let store = MapOutputStore(budget: budget)
        let first = [[(1, 10), (2, 20)], []], second = [[(3, 30)], [(4, 40), (5, 50)]]
        store.register(shuffleId: 0, mapIndex: 0, output: Self.keptOutput(first, bytes: 400, budget: budget, folder: folder, name: "a"))
        store.register(shuffleId: 0, mapIndex: 1, output: Self.keptOutput(second, bytes: 400, budget: budget, folder: folder, name: "b"))

        // The map side, and the cache, never move kept outputs.
        #expect(!budget.tryAcquire(300))
        #expect(store.evictionCount == 0)
        // A reduce-side request moves the earliest output, which is enough.
        #expect(budget.tryAcquire(300, mayEvictOutputs: true))
        #expect(store.evictionCount == 1)
        #expect(budget.usedBytes == 700)
        #expect(FileManager.default.fileExists(atPath: folder.file("a")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("b")))

        // Reducers read the same records, from the file or from memory.
        let blocks0 = try store.fetch(shuffleId: 0, maps: 0..<2, reduce: 0)
        #expect(blocks0.count == 2)
        if case .disk = blocks0[0] {} else { Issue.record("the moved bucket is not on disk") }
        if case .memory = blocks0[1] {} else { Issue.record("the later output left memory") }
        #expect(try Self.records(blocks0) == [[10, 20], [30]])
        #expect(try Self.records(store.fetch(shuffleId: 0, maps: 0..<2, reduce: 1)) == [[40, 50]])

        // What fits is taken without moving anything; then the other output moves.
        #expect(budget.tryAcquire(300))
        #expect(store.evictionCount == 1)
        #expect(budget.tryAcquire(300, mayEvictOutputs: true))
        #expect(store.evictionCount == 2 && budget.usedBytes == 900)
        #expect(try Self.records(store.fetch(shuffleId: 0, maps: 0..<2, reduce: 1)) == [[40, 50]])
        // Nothing left to move: refused, and the budget is unchanged.
        #expect(!budget.tryAcquire(300, mayEvictOutputs: true))
        #expect(store.evictionCount == 2 && budget.usedBytes == 900)

        // Removing the shuffle deletes the files the moves wrote.
        store.remove(shuffleId: 0)
        #expect(!FileManager.default.fileExists(atPath: folder.file("a")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("b")))
        budget.release(900)
        #expect(budget.usedBytes == 0)
    }

    @Test func an_output_that_cannot_be_written_stays_in_memory() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let budget = MemoryBudget(capacity: 1_000)
        let store = MapOutputStore(budget: budget)
        let output = Self.keptOutput([[(1, 10)]], bytes: 900, budget: budget, folder: folder, name: "missing/folder/a")
        store.register(shuffleId: 3, mapIndex: 0, output: output)
        #expect(!budget.tryAcquire(500, mayEvictOutputs: true))
        #expect(store.evictionCount == 0 && budget.usedBytes == 900)
        #expect(try Self.records(store.fetch(shuffleId: 3, maps: 0..<1, reduce: 0)) == [[10]])
        store.removeAll()
        #expect(budget.usedBytes == 0)
    }
}
