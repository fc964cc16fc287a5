import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// `Records` read one at a time and then in the source's own loop
    /// (`forEach`): each record comes out once, in order, whichever way it is read.
    @Suite struct RecordsTests {
        struct Stop: Error {}

        /// Pulls `first` records, then reads the rest with `forEach`.
        static func pullThenDrain<T>(_ records: Records<T>, first: Int) throws -> [T] {
            var records = records
            var read: [T] = []
            for _ in 0..<first {
                guard let next = try records.next() else { break }
                read.append(next)
            }
            try records.forEach { read.append($0) }
            return read
        }

        @Test(arguments: [0, 1, 5, 10, 12])
        func recordsPulledFirstAreNotReadAgain(first: Int) throws {
            let values = Array(0..<10)
            #expect(try Self.pullThenDrain(Records(values), first: first) == values)
            #expect(try Self.pullThenDrain(Records(values).mapped { $0 * 3 }, first: first) == values.map { $0 * 3 })
            #expect(try Self.pullThenDrain(Records(sequence: values).mapped { $0 + 1 }, first: first) == values.map { $0 + 1 })
            var drained = Records(values)
            try drained.forEach { _ in }
            #expect(try drained.next() == nil, "a drained source has nothing left to pull")
        }

        @Test func aBodyThatThrowsStopsTheLoopAndTheRestCanStillBePulled() throws {
            var records = Records(Array(0..<10)).mapped { $0 * 2 }
            var seen: [Int] = []
            #expect(throws: Stop.self) {
                try records.forEach { value in
                    seen.append(value)
                    if value == 6 { throw Stop() }
                }
            }
            #expect(seen == [0, 2, 4, 6])
            #expect(try records.next() == 8, "the loop saved its position")
        }

        // Stays on .all: the job's body is a closure reading the records as they come.
        @Test(arguments: EngineSetup.all, [0, 1, 4, 100, 10_000])
        func narrowOperatorsPulledThenDrainedComeOutOnceInOrder(setup: EngineSetup, first: Int) async throws {
            let values = Array(0..<2_000)
            // Each value to 0, 1 or 2 copies, odd ones dropped, paired with a key, the key dropped.
            let copies: [Int] = values.flatMap { (value: Int) -> [Int] in Array(repeating: value, count: value % 3) }
            let expected: [Int] = copies.filter { $0 % 2 == 0 }.map { $0 * 10 }
            try await setup.run { sc async throws in
                let rdd = sc.parallelize(values, numPartitions: 1)
                    .flatMap { (value: Int) -> [Int] in Array(repeating: value, count: value % 3) }
                    .filter { (value: Int) -> Bool in value % 2 == 0 }
                    .keyBy { (value: Int) -> Int in value % 7 }
                    .mapValues { (value: Int) -> Int in value * 10 }
                    .values()
                let read = try await sc.runJob(rdd, partitions: [0]) { _, records in try Self.pullThenDrain(records, first: first) }
                #expect(read == [expected])
                // A shuffle's output: the buckets of three map tasks, one after the other.
                let shuffled = sc.parallelize(values.map { ($0, $0) }, numPartitions: 3).partitionBy(HashPartitioner(partitions: 1))
                let fetched = try await sc.runJob(shuffled, partitions: [0]) { _, records in
                    try Self.pullThenDrain(records.mapped(\.1), first: first)
                }
                #expect(fetched == [values])
            }
        }

        // Stays on .all: the job's body is a closure reading the records as they come.
        @Test(arguments: EngineSetup.all, [0, 1, 7, 1_000])
        func textFileWordsPulledThenDrainedComeOutOnceInOrder(setup: EngineSetup, first: Int) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            // Lines across several read blocks, and words longer than 16 bytes.
            let text = (0..<5_000).map { i in "w\(i % 97) a-word-longer-than-sixteen-\(i % 5) x" }.joined(separator: "\n")
            let path = try folder.write("words.txt", text)
            let expected = text.split(whereSeparator: \.isWhitespace).map(String.init)
            try await setup.run { sc async throws in
                let words = try sc.textFile(path, minPartitions: 1).words()
                let read = try await sc.runJob(words, partitions: [0]) { _, records in
                    try Self.pullThenDrain(records.mapped(\.description), first: first)
                }
                #expect(read == [expected])
                // Words of strings (split in place when drained), and a range.
                let lines = text.split(separator: "\n").map(String.init)
                let split = try await sc.runJob(sc.parallelize(lines, numPartitions: 1).words(), partitions: [0]) { _, records in
                    try Self.pullThenDrain(records.mapped(\.description), first: first)
                }
                #expect(split == [expected])
                let numbers = try await sc.runJob(sc.range(5, 30_000, step: 3, numPartitions: 1), partitions: [0]) { _, records in
                    try Self.pullThenDrain(records, first: first)
                }
                #expect(numbers == [Array(stride(from: 5, to: 30_000, by: 3))])
                // Fixed-length records, across the cursor's 1 MiB chunks.
                let values = Array(0..<300_000)
                let binary = try folder.write("values.bin", bytes: values.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) })
                let decoded = try sc.binaryRecords(binary, recordLength: 8, minPartitions: 1) { Int(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
                let records = try await sc.runJob(decoded, partitions: [0]) { _, records in try Self.pullThenDrain(records, first: first) }
                #expect(records == [values])
            }
        }
    }
}
