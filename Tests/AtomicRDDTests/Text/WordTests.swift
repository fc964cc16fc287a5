import AtomicTransport
import Testing
@testable import AtomicRDD

extension EngineSuite {
    @Suite struct WordTests {
        static let samples = ["", "a", "the", "eightchr", "ninechars", "sixteen-bytes-ok", "seventeen-bytes-x",
                              "a-much-longer-word-than-sixteen-bytes", "héllo", "日本語", "Z", "zz", "a\u{0}b"]

        @Test func wordsRoundTripAndCompareLikeTheirBytes() throws {
            for text in Self.samples {
                let word = Word(text)
                #expect(word.description == text)
                #expect(word.byteCount == text.utf8.count)
                #expect(try Word(wireBytes: word.wireBytes()) == word)
                for other in Self.samples {
                    let o = Word(other)
                    #expect((word == o) == (text == other))
                    #expect((word < o) == Array(text.utf8).lexicographicallyPrecedes(Array(other.utf8)), "\(text) < \(other)")
                    if text == other { #expect(word.stableHash == o.stableHash && word.hashValue == o.hashValue) }
                }
            }
            let distinct = Set(Self.samples.map { Word($0) })
            #expect(distinct.count == Self.samples.count)
        }

        @Test func wordsOfEveryLengthHoldExactlyTheirBytes() {
            // Bytes around the word differ from it, so a load past either end would show.
            let bytes: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) } + [0, 0xFF, 0, 0xFF]
            bytes.withUnsafeBufferPointer { all in
                for start in [0, 1, 7, 30] {
                    for length in 0...(all.count - start) {
                        let slice = UnsafeBufferPointer(rebasing: all[start..<(start + length)])
                        let word = Word(bytes: slice)
                        let copy = Array(slice)
                        let again = copy.withUnsafeBufferPointer { Word(bytes: $0) }
                        #expect(word.byteCount == length)
                        #expect(word.withBytes { Array($0) } == copy, "start \(start), length \(length)")
                        #expect(word == again && word.stableHash == again.stableHash)
                        if length > 0 {
                            let shorter = Word(bytes: UnsafeBufferPointer(rebasing: slice.dropLast()))
                            #expect(word != shorter && (shorter < word))
                        }
                    }
                }
            }
            #expect(MemoryLayout<Word>.size == 24, "a (Word, Int) pair fills half a cache line")
        }

        @Test func stringWordsSplitOnAsciiWhitespace() {
            #expect("  the quick\tbrown\r\nfox  ".words == ["the", "quick", "brown", "fox"])
            #expect("".words.isEmpty && "   \n".words.isEmpty)
            #expect("x".words == ["x"])
            let text = (0..<500).map { "w\($0 % 37) supercalifragilisticexpialidocious-\($0 % 3)" }.joined(separator: " ")
            #expect(text.words.map(\.description) == text.split(separator: " ").map(String.init))
        }

        @Test func splittingMatchesAByteByByteSplitWhateverTheBytes() {
            // Control bytes (below 0x21 but not whitespace) inside words, UTF-8
            // above 0x80, and each whitespace byte, at every offset within the
            // eight-byte loads the scan makes.
            let alphabet: [UInt8] = [0x61, 0x62, 0x00, 0x01, 0x08, 0x0E, 0x1F, 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
                                     0x21, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]
            var state: UInt64 = 0x2545_F491_4F6C_DD1D
            for length in 0..<200 {
                let bytes: [UInt8] = (0..<length).map { _ in
                    state ^= state << 13; state ^= state >> 7; state ^= state << 17
                    // Mostly letters, so that words run across loads.
                    return state % 3 == 0 ? alphabet[Int(state >> 8 % UInt64(alphabet.count))] : 0x61 + UInt8(state >> 20 % 26)
                }
                let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
                let expected = bytes.split(whereSeparator: isSpace).map(Array.init)
                let words = bytes.withUnsafeBufferPointer { Word.split($0) }
                #expect(words.map { $0.withBytes(Array.init) } == expected, "bytes \(bytes)")
                var counts = WordCounts()
                bytes.withUnsafeBufferPointer { counts.addWords(in: $0) }
                #expect(counts.totalCount == expected.count)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func wordCountWithWordsMatchesStringSplit(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let lines = (0..<2000).map { i in (0..<(i % 13)).map { "w\((i * 7 + $0 * 3) % 101)" }.joined(separator: " ") }
                let expected = Dictionary(lines.flatMap { $0.split(separator: " ").map { (String($0), 1) } }, uniquingKeysWith: +)
                let counts = try await sc.parallelize(lines, numPartitions: 5)
                    .flatMap(StandardFunctions.Words()).map(StandardFunctions.WithOne()).reduceByKey(StandardFunctions.SumInts()).collect()
                #expect(Dictionary(uniqueKeysWithValues: counts.map { ($0.0.description, $0.1) }) == expected)
            }
        }
    }
}
