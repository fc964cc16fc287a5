import Foundation
import Testing
@testable import AtomicRDD

/// A bucket served to another node holds its in-memory records, then each of
/// its spill segments, as whole pieces; records already in their wire form
/// (plain pairs in memory, spill files) are sent from where they lie, so only
/// the few bytes before them are in the bucket's own bytes.
@Suite struct BucketEncoderTests {
    /// Writes `runs` as segments of one run file in `folder`.
    static func segments<V>(_ runs: [[(Int, V)]], codec: RecordCodec<(Int, V)>, in folder: TemporaryFolder) throws -> [RunSegment] {
        let path = folder.file("run-\(UInt64.random(in: 0...UInt64.max))")
        var writer = try RunFileWriter(path: path, codec: codec)
        var ranges: [Range<Int>] = []
        for run in runs {
            for record in run { try writer.append(record) }
            ranges.append(try writer.endSegment())
        }
        try writer.close()
        return ranges.map { RunSegment(path: path, range: $0) }
    }

    /// The pieces of `bucket` as it arrives, decoded.
    static func pieces<V>(_ bucket: EncodedBucket, codec: RecordCodec<(Int, V)>) throws -> [[(Int, V)]] {
        let bytes = bucket.joined
        return try ShuffleBucket.pieces(of: bytes).map { try codec.decodeAll(bytes, range: $0) }
    }

    @Test func plainPairsInMemoryAndOnDiskAreSentFromWhereTheyLie() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        let kept = (0..<3_000).map { ($0, -$0) }
        // Several 64 KiB batches in the first segment; the empty one is left out.
        let runs = [(0..<20_000).map { ($0, $0 * 3) }, [], [(7, 7)]]
        let spilled = try Self.segments(runs, codec: codec, in: folder)
        let output = MapOutput(memory: [kept, nil], segments: [spilled, []], memoryBytes: 0, files: [])
        let encode = ShuffleDependency<Int, Int, Int>.bucketEncoder(output, codec: codec)

        let bucket = try encode(0)
        #expect(bucket.bytes.count < 32 && bucket.tail != nil)
        let pieces = try Self.pieces(bucket, codec: codec)
        #expect(pieces.count == 3)
        #expect(pieces.map { $0.map(\.0) } == [kept.map(\.0), runs[0].map(\.0), [7]])
        #expect(pieces.map { $0.map(\.1) } == [kept.map(\.1), runs[0].map(\.1), [7]])

        let empty = try encode(1)
        let nothing = try ShuffleBucket.pieces(of: empty.joined)
        #expect(empty.tail == nil && nothing.isEmpty)
    }

    @Test func otherRecordsAreEncodedAndTheirSpillSegmentsSentFromTheFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = RecordCodec<(Int, String)>.pair(Int.self, String.self)
        let kept = (0..<500).map { ($0, "kept \($0)") }
        let runs = [(0..<10_000).map { ($0, "spilled \($0)") }]
        let spilled = try Self.segments(runs, codec: codec, in: folder)
        let output = MapOutput(memory: [kept], segments: [spilled], memoryBytes: 0, files: [])
        let bucket = try ShuffleDependency<Int, String, String>.bucketEncoder(output, codec: codec)(0)
        // The kept records are encoded into the bytes; the segment is not.
        let segmentBytes = spilled[0].range.count
        #expect(bucket.tail.map { $0.count > segmentBytes / 2 } == true)
        let pieces = try Self.pieces(bucket, codec: codec)
        #expect(pieces.map { $0.map(\.1) } == [kept.map(\.1), runs[0].map(\.1)])
    }

    @Test func aSpillSegmentThatIsGoneOrCorruptIsATypedError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        let spilled = try Self.segments([(0..<100).map { ($0, $0) }], codec: codec, in: folder)
        let encode = { (segment: RunSegment) in
            try ShuffleDependency<Int, Int, Int>.bucketEncoder(
                MapOutput(memory: [nil], segments: [[segment]], memoryBytes: 0, files: []), codec: codec)(0)
        }
        var past = spilled[0]
        past.range = past.range.lowerBound..<past.range.upperBound + 1
        #expect(throws: EngineError.self) { try encode(past) }
        // Batch heads that do not fit: a length past the segment's end, a head
        // shorter than 5 bytes, an empty batch (no count), a count whose varint
        // runs past its batch, and counts whose sum overflows.
        var overflowing: [UInt8] = []
        for _ in 0..<2 { overflowing += [11, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0] }
        let corrupt: [[UInt8]] = [[0xFF, 0xFF, 0, 0, 1, 9, 9], [1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
                                  [2, 0, 0, 0, 0x80, 0x80], overflowing]
        for (index, bytes) in corrupt.enumerated() {
            let path = folder.file("corrupt-\(index)")
            try #require(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            #expect(throws: EngineError.self, "case \(index)") { try encode(RunSegment(path: path, range: 0..<bytes.count)) }
        }
        // A segment mapped from a file shorter than it (past the mapping threshold).
        let big = try Self.segments([(0..<10_000).map { ($0, $0) }], codec: codec, in: folder)[0]
        #expect(big.range.count >= RunFileReader.mappingThreshold)
        let cutPath = folder.file("cut")
        let whole = try Data(contentsOf: URL(fileURLWithPath: big.path))
        try #require(FileManager.default.createFile(atPath: cutPath, contents: whole.prefix(big.range.upperBound - 10)))
        #expect(throws: EngineError.self) { try encode(RunSegment(path: cutPath, range: big.range)) }
        #expect(try encode(big).count > big.range.count - 1_000)
        try FileManager.default.removeItem(atPath: spilled[0].path)
        #expect(throws: EngineError.self) { try encode(spilled[0]) }
    }
}
