import Foundation
import AtomicRDD
import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct WordCountExampleTests {
        /// Word counts computed with plain Swift: UTF-8 split on ASCII whitespace
        /// (bytes, as Characters would take "\r\n" for one).
        static func expectedCounts(_ text: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            for word in text.utf8.split(whereSeparator: { [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains($0) }) {
                counts[String(decoding: word, as: UTF8.self), default: 0] += 1
            }
            return counts
        }

        static func expectedTop(_ counts: [String: Int], _ k: Int) -> [WordCountExample.WordCount] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }
                .prefix(k).map { WordCountExample.WordCount(word: $0.key, count: $0.value) }
        }

        @Test(arguments: LocalSetup.all)
        func counts_words_of_a_file_like_plain_swift(setup: LocalSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let text = "the cat and the hat\n  the\tcat sat\r\non a mat, a cat's hat\n\nzebra apple apple\nthe end"
            let path = try folder.write("text.txt", text)
            let expected = Self.expectedCounts(text)
            try await setup.run { sc in
                for partitions in [1, 3, 50] {
                    let result = try await WordCountExample.count(sc, path: path, top: 4, partitions: partitions)
                    #expect(result.distinctWords == expected.count)
                    #expect(result.totalWords == expected.values.reduce(0, +))
                    #expect(result.top == Self.expectedTop(expected, 4))
                }
            }
        }

        @Test(arguments: LocalSetup.all)
        func an_empty_file_has_no_words(setup: LocalSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let path = try folder.write("empty.txt", "")
            try await setup.run { sc in
                let result = try await WordCountExample.count(sc, path: path, top: 10, partitions: 2)
                #expect(result == WordCountExample.Result(top: [], distinctWords: 0, totalWords: 0))
            }
        }

        @Test(arguments: LocalSetup.all)
        func counts_generated_text_like_plain_swift(setup: LocalSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try EnglishLikeText.file(byteCount: 200_000, folder: folder.path)
            let text = String(decoding: EnglishLikeText.generate(byteCount: 200_000), as: UTF8.self)
            let expected = Self.expectedCounts(text)
            try await setup.run { sc in
                let result = try await WordCountExample.count(sc, path: file.path, top: 10, partitions: 4)
                #expect(result.top == Self.expectedTop(expected, 10))
                #expect(result.distinctWords == expected.count)
                #expect(result.totalWords == expected.values.reduce(0, +))
                // Zipf-like: the commonest English word comes first.
                #expect(result.top.first?.word == "the")
            }
        }

        @Test func a_missing_file_is_an_input_error() async throws {
            try await LocalSetup(cores: 1).run { sc in
                await #expect(throws: InputError.self) {
                    try await WordCountExample.count(sc, path: "/no/such/atomic-file.txt", top: 3)
                }
            }
        }
    }
}

extension ExampleSuite {
    @Suite struct EnglishLikeTextTests {
        @Test(arguments: [0, 1, 2, 7, 100, 4096, 100_003])
        func has_exactly_the_size_asked_for_and_ends_with_a_newline(byteCount: Int) {
            let bytes = EnglishLikeText.generate(byteCount: byteCount)
            #expect(bytes.count == byteCount)
            if byteCount > 0 { #expect(bytes.last == 0x0A) }
            #expect(bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || (0x61...0x7A).contains($0) })
        }

        @Test func is_the_same_every_time() {
            #expect(EnglishLikeText.generate(byteCount: 50_000) == EnglishLikeText.generate(byteCount: 50_000))
        }

        @Test func word_frequencies_fall_with_rank() {
            let text = String(decoding: EnglishLikeText.generate(byteCount: 400_000), as: UTF8.self)
            let counts = WordCountExampleTests.expectedCounts(text)
            let common = EnglishLikeText.commonWords
            // Rank 1 about twice as frequent as rank 2, ten times rank 10 (with sampling noise).
            let first = counts[common[0]] ?? 0, second = counts[common[1]] ?? 0, tenth = counts[common[9]] ?? 0
            #expect(Double(first) / Double(second) > 1.6 && Double(first) / Double(second) < 2.5)
            #expect(Double(first) / Double(tenth) > 7 && Double(first) / Double(tenth) < 14)
            #expect(counts.count > 5_000)
        }

        @Test func a_file_of_the_right_size_is_reused() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let made = try EnglishLikeText.file(byteCount: 10_000, folder: folder.path)
            #expect(!made.reused)
            let again = try EnglishLikeText.file(byteCount: 10_000, folder: folder.path)
            #expect(again.reused && again.path == made.path)
            // A file of another size (say, cut short) is written again.
            try Data("short".utf8).write(to: URL(fileURLWithPath: made.path))
            let rewritten = try EnglishLikeText.file(byteCount: 10_000, folder: folder.path)
            #expect(!rewritten.reused)
            #expect(try Data(contentsOf: URL(fileURLWithPath: made.path)) == Data(EnglishLikeText.generate(byteCount: 10_000)))
        }
    }
}
