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
}
