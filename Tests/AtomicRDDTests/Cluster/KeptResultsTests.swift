import Testing
@testable import AtomicRDD

@Suite struct KeptResultsTests {
    @Test func a_result_is_read_in_pieces_and_dropped_after_its_last_byte() throws {
        let kept = KeptResults()
        let token = kept.keep(Array(0..<10))
        #expect(try kept.chunk(token: token, offset: 0, length: 4) == [0, 1, 2, 3])
        #expect(try kept.chunk(token: token, offset: 4, length: 4) == [4, 5, 6, 7])
        #expect(kept.count == 1)
        #expect(try kept.chunk(token: token, offset: 8, length: 4) == [8, 9])
        #expect(kept.count == 0, "read to its end, the result is dropped")
        #expect(throws: EngineError.self) { try kept.chunk(token: token, offset: 0, length: 1) }
    }

    @Test func hostile_ranges_are_typed_errors_or_clamped_never_a_trap() throws {
        let kept = KeptResults()
        let token = kept.keep(Array(0..<10))
        // offset + length would overflow Int: clamped to the result's end.
        #expect(try kept.chunk(token: token, offset: 1, length: Int.max) == Array(1..<10))
        let other = kept.keep([7, 8])
        for (offset, length) in [(-1, 1), (3, 1), (0, 0), (0, -5), (Int.max, Int.max), (Int.min, 1)] {
            #expect(throws: EngineError.self) { try kept.chunk(token: other, offset: offset, length: length) }
        }
        #expect(throws: EngineError.self) { try kept.chunk(token: other + 1, offset: 0, length: 1) }
        #expect(try kept.chunk(token: other, offset: 0, length: 2) == [7, 8], "refused requests leave the result whole")
    }
}
