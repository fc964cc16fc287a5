import Synchronization
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// `Records` handed out in chunks (`forEachChunk`): the same records as the
    /// drain gives, once each and in order, through `mapped`; and a transform
    /// or a body that throws mid-chunk leaves no record unreleased.
    @Suite(.serialized) struct RecordChunksTests {
        struct Stop: Error {}

        /// Counts its live instances, to catch records leaked or released twice.
        final class Tracked: Sendable {
            static let live = Mutex(0)
            let value: Int
            init(_ value: Int) {
                self.value = value
                Self.live.withLock { $0 += 1 }
            }
            deinit { Self.live.withLock { $0 -= 1 } }
        }

        /// Records of `values` with a pull, a drain and chunks of `chunk`
        /// records, all reading one position, as a source with chunks keeps it.
        static func chunked<T>(_ values: [T], chunk: Int = 100) -> Records<T> {
            var index = 0
            return Records(pull: {
                guard index < values.count else { return nil }
                defer { index += 1 }
                return values[index]
            }, drain: { body in
                while index < values.count {
                    index += 1
                    try body(values[index - 1])
                }
            }, chunks: { body in
                let buffer = UnsafeMutablePointer<T>.allocate(capacity: chunk)
                defer { buffer.deallocate() }
                while index < values.count {
                    let count = min(chunk, values.count - index)
                    for offset in 0..<count { (buffer + offset).initialize(to: values[index + offset]) }
                    index += count
                    // The body takes the records, also when it throws.
                    try body(UnsafeMutableBufferPointer(start: buffer, count: count))
                }
            })
        }

        /// Pulls `first` records, then takes the rest chunk by chunk.
        static func pullThenChunks<T>(_ records: Records<T>, first: Int) throws -> (values: [T], largestChunk: Int) {
            var records = records
            var read: [T] = []
            for _ in 0..<first {
                guard let next = try records.next() else { break }
                read.append(next)
            }
            var largest = 0
            try records.forEachChunk { chunk in
                largest = max(largest, chunk.count)
                for index in chunk.indices { read.append(chunk.moveElement(from: index)) }
            }
            return (read, largest)
        }

        @Test(arguments: [0, 1, 99, 100, 250, 1_000, 1_200])
        func chunksOfMappedRecordsComeOutOnceInOrder(first: Int) throws {
            let values = Array(0..<1_000)
            let mapped = Self.chunked(values).mapped { $0 * 3 }
            #expect(mapped.hasChunks)
            let (read, largest) = try Self.pullThenChunks(mapped, first: first)
            #expect(read == values.map { $0 * 3 })
            #expect(largest <= Records<Int>.chunkCapacity)
            let (twice, _) = try Self.pullThenChunks(Self.chunked(values).mapped { $0 + 1 }.mapped { String($0) }, first: first)
            #expect(twice == values.map { String($0 + 1) })
        }

        @Test func recordsWithoutChunksComeOneAtATime() throws {
            let values = Array(0..<10)
            let plain = Records(values).mapped { $0 * 2 }
            #expect(!plain.hasChunks)
            let (read, largest) = try Self.pullThenChunks(plain, first: 3)
            #expect(read == values.map { $0 * 2 })
            #expect(largest == 1)
        }

        @Test func aTransformThatThrowsMidChunkReleasesEveryRecord() throws {
            let before = Tracked.live.withLock { $0 }
            do {
                let values = (0..<1_000).map { Tracked($0) }
                var records = Self.chunked(values).mapped { (record: Tracked) throws -> Tracked in
                    if record.value == 350 { throw Stop() }
                    return Tracked(record.value * 2)
                }
                var taken: [Int] = []
                #expect(throws: Stop.self) {
                    try records.forEachChunk { chunk in
                        for index in chunk.indices { taken.append(chunk.moveElement(from: index).value) }
                    }
                }
                #expect(taken == (0..<300).map { $0 * 2 }, "the chunks before the throw, whole")
                #expect(Tracked.live.withLock { $0 } - before == 1_000, "only the source's records are left")
            }
            #expect(Tracked.live.withLock { $0 } == before, "records leaked or released twice")
        }

        @Test func aBodyThatThrowsMidChunkReleasesWhatItDidNotTake() throws {
            let before = Tracked.live.withLock { $0 }
            do {
                var records = Self.chunked((0..<500).map { Tracked($0) }).mapped { Tracked($0.value + 1) }
                var seen = 0
                #expect(throws: Stop.self) {
                    try records.forEachChunk { chunk in
                        // As the shuffle writer takes its chunks: what is not reached is released.
                        try Records.take(chunk) { record in
                            seen += 1
                            if record.value == 150 { throw Stop() }
                        }
                    }
                }
                #expect(seen == 150)
            }
            #expect(Tracked.live.withLock { $0 } == before, "records leaked or released twice")
        }
    }
}
