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

    @Test(arguments: [0, 1, 4095, 4096, 4097, 20_000])
    func recordsAppendedTogetherMakeTheFileThatOneByOneMakes(count: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        #expect(codec.isMemoryImage)
        let records = (0..<count).map { ($0, $0 &* -31) }
        // After a record already in the batch, and twice into one segment.
        var together = try RunFileWriter(path: folder.file("together"), codec: codec)
        var alone = try RunFileWriter(path: folder.file("alone"), codec: codec)
        try together.append((-1, -1))
        try alone.append((-1, -1))
        try together.append(contentsOf: records)
        try together.append(contentsOf: records)
        for record in records + records { try alone.append(record) }
        #expect(try together.endSegment() == alone.endSegment())
        try together.close()
        try alone.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("together")))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: folder.file("alone")))))
        let read = try codec.decodeAll(RunFileReader.encodedRecords(RunSegment(path: folder.file("together"), range: 0..<bytes.count)))
        #expect(read.map(\.1) == [-1] + (records + records).map(\.1))
    }

    /// Every record of `segment` through the lazy reader, or the error it stops with.
    static func readAll(_ segment: RunSegment, codec: RecordCodec<(Int, String)>) throws -> [(Int, String)] {
        var records = try RunFileReader.records(segment, codec: codec)
        var all: [(Int, String)] = []
        while let record = try records.next() { all.append(record) }
        return all
    }

    @Test func corrupt_batch_lengths_and_counts_are_typed_errors_and_read_nothing_past_the_segment() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = RecordCodec<(Int, String)>.pair(Int.self, String.self)
        let path = folder.file("run")
        var writer = try RunFileWriter(path: path, codec: codec)
        let records = (0..<10_000).map { ($0, "v\($0)") }      // several batches
        for record in records { try writer.append(record) }
        let range = try writer.endSegment()
        try writer.close()
        let whole = RunSegment(path: path, range: range)
        #expect(try Self.readAll(whole, codec: codec).map(\.0) == records.map(\.0))

        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        func rewritten(_ change: (inout [UInt8]) -> Void) throws -> RunSegment {
            var bytes = [UInt8](original)
            change(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return whole
        }
        // The first batch's length says 4 GiB - 1: refused before any allocation.
        let huge = try rewritten { $0.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: EngineError.self) { try Self.readAll(huge, codec: codec) }
        // The first batch's count says one record fewer: its last record's bytes are left over.
        let short = try rewritten { bytes in
            var reader = WireReader(Array(bytes[4...]))
            let count = try! reader.readVarint()
            var varint = WireWriter(capacity: 10)
            varint.writeVarint(count - 1)
            precondition(varint.count == reader.offset, "the test needs a count of the same width")
            bytes.replaceSubrange(4..<4 + reader.offset, with: varint.bytes)
        }
        #expect(throws: EngineError.self) { try Self.readAll(short, codec: codec) }
        // A segment that ends inside the second batch's header.
        _ = try rewritten { _ in }
        let firstLength = Int(original[0]) | Int(original[1]) << 8 | Int(original[2]) << 16 | Int(original[3]) << 24
        let cut = RunSegment(path: path, range: 0..<4 + firstLength + 2)
        #expect(throws: EngineError.self) { try Self.readAll(cut, codec: codec) }
    }
}
