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
        // A batch length past the segment's end.
        let path = folder.file("corrupt")
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0xFF, 0xFF, 0, 0, 1, 9, 9])))
        #expect(throws: EngineError.self) { try encode(RunSegment(path: path, range: 0..<7)) }
        try FileManager.default.removeItem(atPath: spilled[0].path)
        #expect(throws: EngineError.self) { try encode(spilled[0]) }
    }
}
