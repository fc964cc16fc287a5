import Foundation
import Testing
@testable import AtomicRDD

@Suite struct RunFileTests {
    @Test func aSegmentIsServedAsOneEncodedPieceWithoutDecodingItsRecords() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = RecordCodec<(Int, String)>.pair(Int.self, String.self)
        let path = folder.file("run")
        var writer = try RunFileWriter(path: path, codec: codec)
        let first = (0..<20_000).map { ($0, "v\($0)") }      // several 64 KiB batches
        for record in first { try writer.append(record) }
        let firstRange = try writer.endSegment()
        let second = [(-1, "only")]
        for record in second { try writer.append(record) }
        let secondRange = try writer.endSegment()
        try writer.close()

        let decoded = try codec.decodeAll(RunFileReader.encodedRecords(RunSegment(path: path, range: firstRange)))
        #expect(decoded.map(\.0) == first.map(\.0) && decoded.map(\.1) == first.map(\.1))
        let alone = try codec.decodeAll(RunFileReader.encodedRecords(RunSegment(path: path, range: secondRange)))
        #expect(alone.map(\.0) == [-1] && alone.map(\.1) == ["only"])
        #expect(try codec.decodeAll(RunFileReader.encodedRecords(RunSegment(path: path, range: 0..<0))).isEmpty)

        // A segment cut inside a batch is a typed error, not a trap.
        let cut = RunSegment(path: path, range: firstRange.lowerBound..<firstRange.lowerBound + 100)
        #expect(throws: EngineError.self) { try RunFileReader.encodedRecords(cut) }
    }
}
