import Testing
@testable import AtomicRDD

extension EngineSuite {
    @Suite struct WordCountsTests {
        /// The slow, obviously right count, over bytes ("\r\n" is one `Character`).
        func reference(_ text: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            for word in Array(text.utf8).split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) }) {
                counts[String(decoding: word, as: UTF8.self), default: 0] += 1
            }
            return counts
        }

        @Test func counts_match_a_dictionary_built_from_string_split() {
            var generator = SystemRandomNumberGenerator()
            let vocabulary = (0..<3000).map { "w\($0)" } + ["é", "中文", "a-b", "x\u{0}y", String(repeating: "long", count: 40)]
            var text = ""
            for _ in 0..<20_000 {
                text += vocabulary.randomElement(using: &generator)!
                text += [" ", "  ", "\t", "\n", "\r\n"].randomElement(using: &generator)!
            }
            var counts = WordCounts(capacity: 4)
            counts.addWords(in: text)
            let expected = reference(text)
            let actual = counts.dictionary()
            #expect(actual.count == expected.count)
            #expect(actual.filter { expected[$0.key] != $0.value }.isEmpty, "counts differ")
            #expect(counts.distinctCount == expected.count)
            #expect(counts.totalCount == expected.values.reduce(0, +))
        }

        @Test func top_orders_by_count_then_by_word() {
            var counts = WordCounts()
            counts.addWords(in: "b a c a b a d d d d")
            #expect(counts.top(3).map(\.word) == ["d", "a", "b"])
            #expect(counts.top(3).map(\.count) == [4, 3, 2])
            #expect(counts.top(10).count == 4)
            #expect(counts.count(of: "c") == 1)
            #expect(counts.count(of: "zzz") == 0)
        }

        @Test func top_is_right_on_a_large_table_whatever_the_visiting_order() {
            var counts = WordCounts()
            var expected: [(String, Int)] = []
            for index in 0..<5000 {
                let word = "w\(index)", count = (index * 7919) % 5003 + 1
                var copy = word
                copy.withUTF8 { counts.add($0, count: count) }
                expected.append((word, count))
            }
            expected.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            let top = counts.top(25)
            #expect(top.map(\.word) == expected.prefix(25).map(\.0))
            #expect(top.map(\.count) == expected.prefix(25).map(\.1))
        }

        @Test func merging_tables_adds_their_counts() {
            var left = WordCounts(), right = WordCounts()
            left.addWords(in: "a b b")
            right.addWords(in: "b c")
            left.merge(right)
            #expect(left.dictionary() == ["a": 1, "b": 3, "c": 1])
            #expect(left.totalCount == 5)
        }

        @Test func blank_input_counts_nothing() {
            var counts = WordCounts()
            counts.addWords(in: "")
            counts.addWords(in: " \t\r\n ")
            #expect(counts.distinctCount == 0 && counts.totalCount == 0)
            #expect(counts.top(5).isEmpty)
        }
    }
}
