import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// `words()` gives the words `flatMap(\.words)` gives, in the same order,
    /// whether it scans a text file's bytes or splits strings.
    @Suite struct TextWordsTests {
        /// The words of `text`, split on ASCII whitespace by plain Swift.
        static func expectedWords(_ text: String) -> [String] {
            Array(text.utf8).split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) })
                .map { String(decoding: $0, as: UTF8.self) }
        }

        static let texts: [String] = TextFixtures.tricky + [
            "  leading and trailing  \n\t tabs\tand\u{0B}vertical\u{0C}feeds \r\n",
            "a-word-much-longer-than-sixteen-bytes short another-word-longer-than-sixteen\nend",
            (0..<300).map { i in (0..<(i % 9)).map { "w\((i * 7 + $0) % 23)" }.joined(separator: " ") }.joined(separator: "\n"),
        ]

        @Test(arguments: EngineSetup.shippable)
        func words_of_a_text_file_are_its_whitespace_separated_runs(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc async throws in
                for (i, text) in Self.texts.enumerated() {
                    let path = try folder.write("w\(i).txt", text)
                    // One partition, a few, and more partitions than lines.
                    for partitions in [1, 3, 40] {
                        let words = try await sc.textFile(path, minPartitions: partitions).words().collect()
                        #expect(words.map(\.description) == Self.expectedWords(text), "text \(i), \(partitions) partitions")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func words_of_strings_and_of_a_persisted_file_match_flatMap(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc async throws in
                let text = Self.texts.joined(separator: "\n")
                let expected = Self.expectedWords(text)
                let lines = TextFixtures.lines(text)
                let fromStrings = try await sc.parallelize(lines, numPartitions: 4).words().collect()
                #expect(fromStrings.map(\.description) == expected)
                #expect(try await sc.parallelize([String](), numPartitions: 3).words().count() == 0)

                let cached = try sc.textFile(try folder.write("cached.txt", text), minPartitions: 3).cache()
                #expect(try await cached.words().collect().map(\.description) == expected)
                #expect(try await cached.words().collect().map(\.description) == expected, "read from the cache")
                await cached.unpersist()
            }
        }

        /// Lines whose words fill several chunks, one line alone more than one.
        static let chunkLines: [String] = (0..<400).map { i in
            i == 7 ? (0..<700).map { "long\($0 % 50)" }.joined(separator: " ")
                   : (0..<(i % 11)).map { "w\((i * 13 + $0) % 37)\($0 == 3 ? "-a-word-longer-than-sixteen" : "")" }.joined(separator: "  ")
        }

        @Test(arguments: [0, 1, 5, 800, 5_000])
        func words_of_strings_in_chunks_follow_the_words_pulled_first(first: Int) throws {
            var records = TextWordsRDD.words(of: Records(Self.chunkLines))
            #expect(records.hasChunks)
            var words: [String] = []
            for _ in 0..<first {
                guard let word = try records.next() else { break }
                words.append(word.description)
            }
            var largest = 0
            try records.forEachChunk { chunk in
                largest = max(largest, chunk.count)
                for index in chunk.indices { words.append(chunk.moveElement(from: index).description) }
            }
            #expect(words == Self.expectedWords(Self.chunkLines.joined(separator: "\n")))
            #expect(largest <= Records<Word>.chunkCapacity)
        }

        @Test(arguments: EngineSetup.shippable)
        func word_count_of_strings_with_words_matches_plain_swift(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let expected = Dictionary(Self.expectedWords(Self.chunkLines.joined(separator: "\n")).map { ($0, 1) },
                                          uniquingKeysWith: +)
                let counts = try await sc.parallelize(Self.chunkLines, numPartitions: 3).words().map(StandardFunctions.WithOne())
                    .reduceByKey(StandardFunctions.SumInts()).collect()
                #expect(Dictionary(uniqueKeysWithValues: counts.map { ($0.0.description, $0.1) }) == expected)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func word_count_with_words_matches_plain_swift(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc async throws in
                // Skewed: "the" is on every line, w0 on every other.
                let text = (0..<3000).map { i in "the w\(i % 2 == 0 ? 0 : i % 97) \(i % 5 == 0 ? "a-long-word-over-sixteen-bytes" : "x")" }
                    .joined(separator: "\r\n")
                let path = try folder.write("count.txt", text)
                let expected = Dictionary(Self.expectedWords(text).map { ($0, 1) }, uniquingKeysWith: +)
                let counts = try await sc.textFile(path, minPartitions: 4).words().map(StandardFunctions.WithOne())
                    .reduceByKey(StandardFunctions.SumInts()).collect()
                #expect(Dictionary(uniqueKeysWithValues: counts.map { ($0.0.description, $0.1) }) == expected)
            }
        }
    }
}
