import Testing
@testable import AtomicTransport

/// Hostile bytes throw a typed error naming the offset; nothing traps and nothing
/// is allocated from an unchecked length.
@Suite struct WireReaderHostileInputTests {
    @Test func truncated_integer_reports_offset_and_missing_bytes() {
        #expect(throws: WireError.truncated(offset: 0, needed: 5)) { try UInt64(wireBytes: [1, 2, 3]) }
    }

    @Test func truncated_string_reports_length_past_end() {
        // Claims 10 bytes, has 2.
        #expect(throws: WireError.lengthPastEnd(offset: 0, length: 10, remaining: 2)) { try String(wireBytes: [10, 65, 66]) }
    }

    @Test func huge_array_count_is_refused_before_allocating() {
        var writer = WireWriter()
        writer.writeVarint(UInt64(1) << 60)
        writer.writeRaw([1, 2, 3, 4])
        #expect(throws: WireError.lengthPastEnd(offset: 0, length: UInt64(1) << 60, remaining: 4)) {
            try [Int64](wireBytes: writer.bytes)
        }
        #expect(throws: WireError.self) { try [String](wireBytes: writer.bytes) }
        #expect(throws: WireError.self) { try [String: String](wireBytes: writer.bytes) }
        #expect(throws: WireError.self) { try Set<UInt8>(wireBytes: writer.bytes) }
    }

    @Test func trivial_array_count_is_checked_against_element_size() {
        // 3 Int64s claimed (24 bytes) but only 16 present.
        var writer = WireWriter()
        writer.writeVarint(3)
        writer.writeRaw([UInt8](repeating: 0, count: 16))
        #expect(throws: WireError.lengthPastEnd(offset: 0, length: 3, remaining: 16)) { try [Int64](wireBytes: writer.bytes) }
    }

    @Test func invalid_utf8_is_refused_with_its_offset() {
        #expect(throws: WireError.invalidUTF8(offset: 1)) { try String(wireBytes: [2, 0xC3, 0x28]) }
        #expect(throws: WireError.invalidUTF8(offset: 1)) { try String(wireBytes: [1, 0xFF]) }
    }

    @Test func unknown_tags_are_refused() {
        #expect(throws: WireError.unknownTag(offset: 0, tag: 2, type: "Optional")) { try Int8?(wireBytes: [2, 0]) }
        #expect(throws: WireError.unknownTag(offset: 0, tag: 7, type: "Bool")) { try Bool(wireBytes: [7]) }
    }

    @Test func overlong_varint_is_malformed() {
        #expect(throws: WireError.malformedVarint(offset: 0)) {
            var reader = WireReader([UInt8](repeating: 0xFF, count: 11) + [0])
            _ = try reader.readVarint()
        }
        #expect(throws: WireError.malformedVarint(offset: 0)) {
            var reader = WireReader([UInt8](repeating: 0xFF, count: 9) + [0x02])
            _ = try reader.readVarint()
        }
    }

    @Test func nesting_past_the_limit_is_refused_not_a_stack_overflow() {
        // 100,000 nested optionals: tag 1 repeated, then a value.
        let bytes = [UInt8](repeating: 1, count: 100_000)
        #expect(throws: WireError.nestingTooDeep(offset: WireReader.defaultMaxDepth + 1, limit: WireReader.defaultMaxDepth)) {
            var reader = WireReader(bytes)
            _ = try reader.read(NestedOptional.self)
        }
        // Arrays of arrays: count 1 repeated.
        #expect(throws: WireError.self) {
            var reader = WireReader(bytes)
            _ = try reader.read(NestedArray.self)
        }
    }

    @Test func duplicate_dictionary_keys_are_refused() {
        var writer = WireWriter()
        writer.writeVarint(2)
        writer.write("k"); writer.write(Int8(1))
        writer.write("k"); writer.write(Int8(2))
        #expect(throws: WireError.duplicateKey(offset: 4)) { try [String: Int8](wireBytes: writer.bytes) }
    }

    @Test func trailing_bytes_are_reported_when_a_value_must_fill_its_buffer() {
        #expect(throws: WireError.trailingBytes(offset: 1, count: 2)) { try UInt8(wireBytes: [1, 2, 3]) }
    }

    @Test func random_bytes_never_trap_any_decoder() {
        var rng = SeededRandom(seed: 99)
        var failures = 0
        for _ in 0..<20_000 {
            let bytes = rng.bytes(Int.random(in: 0...40, using: &rng))
            if (try? [String: [Int16?]](wireBytes: bytes)) == nil { failures += 1 }
            if (try? [WirePair<String, Double>](wireBytes: bytes)) == nil { failures += 1 }
            _ = try? NodeIdentity(wireBytes: bytes)
            _ = try? Set<String>(wireBytes: bytes)
        }
        // Almost all random inputs are malformed; the point is that none trapped.
        #expect(failures > 30_000)
    }
}

/// An optional that nests itself, to build arbitrarily deep inputs.
struct NestedOptional: WireCodable {
    var inner: Box?
    final class Box { let value: NestedOptional; init(_ value: NestedOptional) { self.value = value } }
    func encode(to writer: inout WireWriter) {
        writer.write(UInt8(inner == nil ? 0 : 1))
        inner?.value.encode(to: &writer)
    }
    init(from reader: inout WireReader) throws(WireError) {
        let tag = try reader.readByte()
        guard tag == 1 else { inner = nil; return }
        inner = Box(try reader.nested { (r: inout WireReader) throws(WireError) in try NestedOptional(from: &r) })
    }
}

/// An array of itself.
struct NestedArray: WireCodable {
    var children: [NestedArray]
    func encode(to writer: inout WireWriter) { writer.write(children) }
    init(from reader: inout WireReader) throws(WireError) { children = try reader.read() }
}
