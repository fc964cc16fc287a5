import Testing
@testable import AtomicTransport

/// Every conformance, over random values from a fixed seed, decodes to what was encoded.
@Suite struct WireCodecRoundTripTests {
    func roundTrip<T: WireCodable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = value.wireBytes()
        let decoded = try T(wireBytes: bytes)
        #expect(decoded == value, sourceLocation: sourceLocation)
    }

    func randomInts<T: FixedWidthInteger & WireCodable>(_: T.Type, _ rng: inout SeededRandom) throws {
        for _ in 0..<500 { try roundTrip(T.random(in: T.min...T.max, using: &rng)) }
        try roundTrip(T.min)
        try roundTrip(T.max)
        try roundTrip(T.zero)
    }

    @Test func every_integer_width_round_trips_including_extremes() throws {
        var rng = SeededRandom(seed: 1)
        try randomInts(Int8.self, &rng); try randomInts(Int16.self, &rng); try randomInts(Int32.self, &rng)
        try randomInts(Int64.self, &rng); try randomInts(Int.self, &rng); try randomInts(UInt8.self, &rng)
        try randomInts(UInt16.self, &rng); try randomInts(UInt32.self, &rng); try randomInts(UInt64.self, &rng)
        try randomInts(UInt.self, &rng)
    }

    @Test func integers_are_fixed_width_little_endian() {
        #expect(UInt32(0x0102_0304).wireBytes() == [4, 3, 2, 1])
        #expect(Int16(-2).wireBytes() == [0xFE, 0xFF])
        #expect(Int(1).wireBytes().count == 8)
    }

    @Test func floats_and_doubles_round_trip_bit_for_bit() throws {
        var rng = SeededRandom(seed: 2)
        for _ in 0..<500 {
            try roundTrip(Double(bitPattern: rng.next()).isNaN ? 0 : Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))
            try roundTrip(Float.random(in: -1e30...1e30, using: &rng))
        }
        for special in [Double.infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0] {
            try roundTrip(special)
        }
        let nan = try Double(wireBytes: Double.nan.wireBytes())
        #expect(nan.isNaN)
    }

    @Test func bools_round_trip() throws {
        try roundTrip(true)
        try roundTrip(false)
        #expect(true.wireBytes() == [1])
    }

    @Test func strings_round_trip_with_multibyte_scalars_and_nul() throws {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<300 { try roundTrip(rng.string(maxLength: 40)) }
        try roundTrip("")
        try roundTrip(String(repeating: "x", count: 100_000))
        #expect("é".wireBytes() == [2, 0xC3, 0xA9])
    }

    @Test func byte_arrays_and_trivial_arrays_round_trip_in_bulk() throws {
        var rng = SeededRandom(seed: 4)
        for count in [0, 1, 7, 1000, 65_537] {
            try roundTrip(rng.bytes(count))
            try roundTrip((0..<count).map { _ in Int64.random(in: .min ... .max, using: &rng) })
            try roundTrip((0..<count).map { _ in Double(Int.random(in: -1000...1000, using: &rng)) / 7 })
        }
        let encoded = [Int64](repeating: -1, count: 3).wireBytes()
        #expect(encoded.count == 1 + 24)
    }

    @Test func arrays_of_non_trivial_elements_round_trip() throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<100 {
            try roundTrip((0..<Int.random(in: 0...20, using: &rng)).map { _ in rng.string(maxLength: 8) })
            try roundTrip((0..<Int.random(in: 0...5, using: &rng)).map { _ in
                (0..<Int.random(in: 0...5, using: &rng)).map { _ in UInt16.random(in: 0...9, using: &rng) }
            })
            try roundTrip((0..<Int.random(in: 0...8, using: &rng)).map { _ in Bool.random(using: &rng) })
        }
    }

    @Test func optionals_round_trip_including_nested_nil() throws {
        var rng = SeededRandom(seed: 6)
        for _ in 0..<200 {
            let value: Int32? = Bool.random(using: &rng) ? Int32.random(in: .min ... .max, using: &rng) : nil
            try roundTrip(value)
        }
        try roundTrip(Optional<Optional<String>>.some(.none))
        try roundTrip(Optional<Optional<String>>.none)
        try roundTrip([String?]([nil, "a", nil]))
    }

    @Test func dictionaries_and_sets_round_trip() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<100 {
            var dictionary: [String: [Int64]] = [:]
            for _ in 0..<Int.random(in: 0...20, using: &rng) {
                dictionary[rng.string(maxLength: 6)] = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int64.random(in: -9...9, using: &rng) }
            }
            try roundTrip(dictionary)
            try roundTrip(Set((0..<Int.random(in: 0...50, using: &rng)).map { _ in UInt64.random(in: 0...1000, using: &rng) }))
        }
    }

    @Test func pairs_round_trip_as_structs_and_as_tuples() throws {
        var rng = SeededRandom(seed: 8)
        for _ in 0..<200 {
            let pair = WirePair(rng.string(maxLength: 10), Int64.random(in: .min ... .max, using: &rng))
            try roundTrip(pair)
            var writer = WireWriter()
            writer.write(pair: pair.tuple)
            #expect(writer.bytes == pair.wireBytes())
            var reader = WireReader(writer.bytes)
            let tuple = try reader.readPair(String.self, Int64.self)
            #expect(tuple == pair.tuple)
        }
        try roundTrip([WirePair(1 as Int32, "one"), WirePair(2, "two")])
    }

    @Test func varints_round_trip_at_every_length_boundary() throws {
        var values: [UInt64] = [0, 1, 127, 128, 255, 16_383, 16_384, .max, .max - 1]
        for shift in 0..<64 { values.append(1 << UInt64(shift)); values.append((1 << UInt64(shift)) - 1) }
        for value in values {
            var writer = WireWriter()
            writer.writeVarint(value)
            writer.writeSignedVarint(Int64(bitPattern: value))
            var reader = WireReader(writer.bytes)
            #expect(try reader.readVarint() == value)
            #expect(try reader.readSignedVarint() == Int64(bitPattern: value))
            try reader.finish()
        }
    }

    @Test func identities_and_endpoints_round_trip() throws {
        try roundTrip(NodeIdentity(endpoint: Endpoint(host: "10.1.2.3", port: 7077), incarnation: 42))
        try roundTrip(Endpoint(host: "localhost", port: 0))
    }
}
