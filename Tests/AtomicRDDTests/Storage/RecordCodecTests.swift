import Testing
@testable import AtomicRDD
import AtomicTransport

@Suite struct RecordCodecTests {
    @Test func pairsOfTrivialValuesWithoutPaddingAreMemoryImages() {
        #expect(RecordCodec<(Int, Int)>.pair(Int.self, Int.self).isMemoryImage)
        #expect(RecordCodec<(UInt32, Float)>.pair(UInt32.self, Float.self).isMemoryImage)
        // Padding after the Int32, or a value with heap storage: record by record.
        #expect(!RecordCodec<(Int32, Int64)>.pair(Int32.self, Int64.self).isMemoryImage)
        #expect(!RecordCodec<(Int64, Int32)>.pair(Int64.self, Int32.self).isMemoryImage)
        #expect(!RecordCodec<(String, Int)>.pair(String.self, Int.self).isMemoryImage)
        #expect(!RecordCodec<(Int, Bool)>.pair(Int.self, Bool.self).isMemoryImage)
    }

    @Test func aMemoryImageEncodesAsRecordByRecordAndDecodesFromARange() throws {
        let records = [(1, -2), (Int.max, Int.min), (0, 7)]
        let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        var one = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        one.isMemoryImage = false
        #expect(codec.encodeAll(records) == one.encodeAll(records))
        for empty in [codec.encodeAll([]), one.encodeAll([])] { #expect(try codec.decodeAll(empty).isEmpty) }
        // Decoded from the middle of a larger buffer.
        let bytes = [9, 9] + codec.encodeAll(records) + [9]
        let decoded = try codec.decodeAll(bytes, range: 2..<(bytes.count - 1))
        #expect(decoded.map(\.0) == records.map(\.0))
        #expect(decoded.map(\.1) == records.map(\.1))
    }

    @Test func aHostileMemoryImageIsAWireError() {
        let codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        let encoded = codec.encodeAll([(1, 2), (3, 4)])
        // Truncated, a count past the end, trailing bytes.
        for bytes in [Array(encoded.dropLast()), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F] + Array(encoded.dropFirst()), encoded + [0]] {
            #expect(throws: WireError.self) { _ = try codec.decodeAll(bytes) }
        }
    }

    @Test(arguments: [false, true])
    func recordsReadFromTheirBytesAreThoseEncoded(memoryImage: Bool) throws {
        // More records than a chunk holds, and not a multiple of it.
        let records = (0..<(3 * Records<(Int, Int)>.chunkCapacity + 5)).map { ($0, -$0 * 7) }
        var codec = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        codec.isMemoryImage = memoryImage
        // Read from the middle of a larger buffer.
        let bytes = [9, 9] + codec.encodeAll(records) + [9]
        let range = 2..<(bytes.count - 1)
        var pulled = try codec.records(in: bytes, range: range)
        var all: [(Int, Int)] = []
        while let record = try pulled.next() { all.append(record) }
        #expect(all.map(\.0) == records.map(\.0) && all.map(\.1) == records.map(\.1))
        // Some pulled one by one, the rest in the source's own loop, or in chunks.
        var mixed = try codec.records(in: bytes, range: range)
        var rest: [(Int, Int)] = [try mixed.next()!, try mixed.next()!]
        try mixed.forEach { rest.append($0) }
        #expect(rest.map(\.1) == records.map(\.1))
        var chunked = try codec.records(in: bytes, range: range)
        _ = try chunked.next()
        var sizes: [Int] = [], keys: [Int] = []
        try chunked.forEachChunk { chunk in
            sizes.append(chunk.count)
            Records<(Int, Int)>.take(chunk) { keys.append($0.0) }
        }
        #expect(keys == Array(1..<records.count))
        #expect(sizes.allSatisfy { $0 <= Records<(Int, Int)>.chunkCapacity } && sizes.count >= 3)
        var empty = try codec.records(in: codec.encodeAll([]), range: 0..<codec.encodeAll([]).count)
        #expect(try empty.next() == nil)
    }

    @Test func stringRecordsReadFromTheirBytesAreThoseEncoded() throws {
        let records = (0..<1000).map { (String(repeating: "w", count: $0 % 40), $0) }
        let codec = RecordCodec<(String, Int)>.pair(String.self, Int.self)
        let bytes = codec.encodeAll(records)
        var read = try codec.records(in: bytes, range: 0..<bytes.count)
        let all = try read.collect()
        #expect(all.map(\.0) == records.map(\.0) && all.map(\.1) == records.map(\.1))
    }

    @Test func hostileBytesReadAsRecordsAreAWireError() throws {
        let pairs = RecordCodec<(Int, Int)>.pair(Int.self, Int.self)
        let encoded = pairs.encodeAll([(1, 2), (3, 4)])
        // A memory image's count and length are checked before any record is read.
        for bytes in [Array(encoded.dropLast()), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F] + Array(encoded.dropFirst()), encoded + [0]] {
            #expect(throws: WireError.self) { _ = try pairs.records(in: bytes, range: 0..<bytes.count) }
        }
        // Other records as they are read: a truncated record, or bytes left over after the last.
        let strings = RecordCodec<(String, Int)>.pair(String.self, Int.self)
        let text = strings.encodeAll([("one", 1), ("two", 2)])
        for bytes in [Array(text.dropLast()), text + [0]] {
            #expect(throws: WireError.self) {
                var records = try strings.records(in: bytes, range: 0..<bytes.count)
                _ = try records.collect()
            }
        }
    }
}
