import Foundation
import Testing
@testable import AtomicRDD

@Suite struct MapOutputStoreTests {
    typealias Pairs = ShuffleDependency<Int, Int, Int>
    static let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)

    /// An output of one bucket per reducer, in memory, each holding `bytes[r]`
    /// of `budget`; its movers write into `folder`, to new files named `name-…`.
    static func keptOutput(_ buckets: [[(Int, Int)]], bytes: [Int], budget: MemoryBudget,
                           folder: TemporaryFolder, name: String) -> MapOutput {
        budget.forceAcquire(bytes.reduce(0, +))
        var output = MapOutput(memory: buckets.map { $0.isEmpty ? nil : $0 }, segments: buckets.map { _ in [] },
                               memoryBytes: bytes.reduce(0, +), files: [])
        output.bucketBytes = bytes
        output.moveToDisk = Pairs.mover(output, codec: codec, makeEncoder: { _ in { _ in EncodedBucket(bytes: []) } },
                                        path: { folder.file("\(name)-\(UInt64.random(in: 0...UInt64.max))") })
        return output
    }

    /// The values of each block, read from memory, from its file or from its bytes.
    static func values(_ blocks: [ShuffleBlock]) throws -> [[Int]] {
        try blocks.map { block in
            switch block {
            case .memory(let values): return (values as! [(Int, Int)]).map(\.1)
            case .disk(let segment): return try codec.decodeAll(RunFileReader.encodedRecords(segment)).map(\.1)
            case .encoded(let bytes, let range): return try codec.decodeAll(bytes, range: range).map(\.1)
            }
        }
    }

    /// The files in `folder` whose names start with `name-`.
    static func files(_ name: String, in folder: TemporaryFolder) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("\(name)-") }.count
    }

    static func isOnDisk(_ block: ShuffleBlock) -> Bool {
        if case .disk = block { return true }
        return false
    }

    @Test func a_refused_reduce_side_request_moves_buckets_no_task_was_given_earliest_output_first() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let budget = MemoryBudget(capacity: 1_000)
        let store = MapOutputStore(budget: budget)
        let first = [[(1, 10), (2, 20)], []], second = [[(3, 30)], [(4, 40), (5, 50)]]
        store.register(shuffleId: 0, mapIndex: 0, output: Self.keptOutput(first, bytes: [400, 0], budget: budget, folder: folder, name: "a"))
        store.register(shuffleId: 0, mapIndex: 1, output: Self.keptOutput(second, bytes: [100, 300], budget: budget, folder: folder, name: "b"))

        // The map side, and the cache, never move kept outputs.
        #expect(!budget.tryAcquire(300))
        #expect(store.evictionCount == 0)
        // A reduce-side request moves the earliest output, which is enough.
        #expect(budget.tryAcquire(300, mayEvictOutputs: true))
        #expect(store.evictionCount == 1 && budget.usedBytes == 700)
        #expect(Self.files("a", in: folder) == 1)
        #expect(Self.files("b", in: folder) == 0)

        // A task is given reducer 0's buckets: the moved one from its file.
        let (blocks0, reads0) = try store.fetch(shuffleId: 0, maps: 0..<2, reduce: 0)
        #expect(blocks0.map(Self.isOnDisk) == [true, false])
        #expect(try Self.values(blocks0) == [[10, 20], [30]])

        // What fits is taken without moving anything. Then only the bucket no
        // task was given moves: reducer 1's, 300 bytes.
        #expect(budget.tryAcquire(300))
        #expect(budget.tryAcquire(300, mayEvictOutputs: true))
        #expect(store.evictionCount == 2 && budget.usedBytes == 1_000)
        #expect(Self.files("b", in: folder) == 1)
        let (again, readsAgain) = try store.fetch(shuffleId: 0, maps: 1..<2, reduce: 0)
        #expect(again.map(Self.isOnDisk) == [false], "a given-out bucket moved")
        let blocks1 = try store.fetch(shuffleId: 0, maps: 0..<2, reduce: 1).blocks
        #expect(blocks1.map(Self.isOnDisk) == [true])
        #expect(try Self.values(blocks1) == [[40, 50]])
        // Nothing movable is left while the tasks given reducer 0's bucket run: refused.
        #expect(!budget.tryAcquire(1, mayEvictOutputs: true))
        #expect(store.evictionCount == 2 && budget.usedBytes == 1_000)
        // Once they end, it moves too.
        store.doneReading(reads0)
        store.doneReading(readsAgain)
        #expect(budget.tryAcquire(100, mayEvictOutputs: true))
        #expect(store.evictionCount == 3 && budget.usedBytes == 1_000)
        #expect(Self.files("b", in: folder) == 2)
        #expect(try Self.values(store.fetch(shuffleId: 0, maps: 0..<2, reduce: 0).blocks) == [[10, 20], [30]])
        #expect(try Self.values(store.fetch(shuffleId: 0, maps: 0..<2, reduce: 1).blocks) == [[40, 50]])
        #expect(try store.fetch(shuffleId: 0, maps: 1..<2, reduce: 0).blocks.map(Self.isOnDisk) == [true])

        // Removing the shuffle deletes the moves' files.
        store.remove(shuffleId: 0)
        #expect(budget.usedBytes == 1_000)
        #expect(Self.files("a", in: folder) == 0)
        #expect(Self.files("b", in: folder) == 0)
        budget.release(1_000)
    }

    @Test func an_output_that_cannot_be_written_stays_in_memory() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let budget = MemoryBudget(capacity: 1_000)
        let store = MapOutputStore(budget: budget)
        let output = Self.keptOutput([[(1, 10)]], bytes: [900], budget: budget, folder: folder, name: "missing/folder/a")
        store.register(shuffleId: 3, mapIndex: 0, output: output)
        #expect(!budget.tryAcquire(500, mayEvictOutputs: true))
        #expect(store.evictionCount == 0 && budget.usedBytes == 900)
        #expect(try Self.values(store.fetch(shuffleId: 3, maps: 0..<1, reduce: 0).blocks) == [[10]])
        store.removeAll()
        #expect(budget.usedBytes == 0)
    }

    @Test func a_reader_of_an_earlier_attempt_leaves_the_later_attempts_count_alone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let budget = MemoryBudget(capacity: 1_000)
        let store = MapOutputStore(budget: budget)
        store.register(shuffleId: 7, mapIndex: 0, output: Self.keptOutput([[(1, 10)]], bytes: [300], budget: budget, folder: folder, name: "a"))
        let (_, oldReads) = try store.fetch(shuffleId: 7, maps: 0..<1, reduce: 0)
        // The map task runs again; a task reads the new attempt's bucket.
        store.register(shuffleId: 7, mapIndex: 0, output: Self.keptOutput([[(1, 11)]], bytes: [300], budget: budget, folder: folder, name: "b"))
        let (blocks, newReads) = try store.fetch(shuffleId: 7, maps: 0..<1, reduce: 0)
        #expect(try Self.values(blocks) == [[11]])
        // The old attempt's reader ends: the new bucket is still being read, so it stays.
        store.doneReading(oldReads)
        #expect(!budget.tryAcquire(800, mayEvictOutputs: true), "a bucket being read moved")
        #expect(store.evictionCount == 0)
        store.doneReading(newReads)
        #expect(budget.tryAcquire(800, mayEvictOutputs: true))
        #expect(store.evictionCount == 1 && Self.files("b", in: folder) == 1)
        #expect(try Self.values(store.fetch(shuffleId: 7, maps: 0..<1, reduce: 0).blocks) == [[11]])
        store.removeAll()
        budget.release(800)
    }

    @Test func an_output_removed_while_it_moves_loses_its_new_file_and_is_released_once() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let budget = MemoryBudget(capacity: 1_000)
        let store = MapOutputStore(budget: budget)
        var output = Self.keptOutput([[(1, 10)], [(2, 20)]], bytes: [450, 450], budget: budget, folder: folder, name: "a")
        let move = output.moveToDisk!
        // The shuffle is removed while its output is being written.
        output.moveToDisk = { reducers in
            let moved = try move(reducers)
            store.remove(shuffleId: 5)
            return moved
        }
        store.register(shuffleId: 5, mapIndex: 0, output: output)
        #expect(budget.tryAcquire(500, mayEvictOutputs: true), "the removal freed the output's 900 bytes")
        #expect(budget.usedBytes == 500, "released once, by the removal")
        #expect(store.evictionCount == 0)
        #expect(Self.files("a", in: folder) == 0, "the move's file outlived its output")
        #expect(store.shuffleIds.isEmpty)
        budget.release(500)
    }
}
