import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// The pull-based cursor reads exactly the lines `LineReader` reads.
    @Suite struct LineCursorTests {
        func readAll(_ splits: [FileSplit], chunkSize: Int) throws -> [String] {
            var lines: [String] = []
            for split in splits {
                let cursor = LineCursor(split: split, chunkSize: chunkSize)
                while let line = try cursor.nextString() { lines.append(line) }
                #expect(try cursor.nextString() == nil, "a finished cursor stays finished")
            }
            return lines
        }

        @Test func every_line_is_read_exactly_once_for_every_split_size_and_chunk_size() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            for (i, text) in TextFixtures.tricky.enumerated() {
                let file = try folder.write("t\(i).txt", text)
                let expected = TextFixtures.lines(text)
                for splitBytes in [1, 2, 3, 5, 8, 64, 1 << 20] {
                    let splits = try FileSplitter.splits(of: [file], minPartitions: 1, maxSplitBytes: splitBytes)
                    for chunkSize in [1, 2, 3, 7, 4096] {
                        #expect(try readAll(splits, chunkSize: chunkSize) == expected,
                                "text \(i), splits of \(splitBytes), chunks of \(chunkSize)")
                    }
                }
            }
        }

        @Test func random_text_at_random_boundaries_reads_what_the_line_reader_reads() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var generator = SystemRandomNumberGenerator()
            for round in 0..<30 {
                let text = TextFixtures.random(lines: 200, &generator)
                let file = try folder.write("r\(round).txt", text)
                let splits = try FileSplitter.splits(of: [file], minPartitions: Int.random(in: 1...50, using: &generator))
                let chunkSize = Int.random(in: 1...64, using: &generator)
                var fromReader: [String] = []
                for split in splits {
                    try LineReader.forEachLine(in: split, chunkSize: chunkSize) { fromReader.append(String(decoding: $0, as: UTF8.self)) }
                }
                let fromCursor = try readAll(splits, chunkSize: chunkSize)
                #expect(fromCursor == TextFixtures.lines(text), "round \(round)")
                #expect(fromCursor == fromReader, "round \(round)")
            }
        }

        /// Every block of every split, in order.
        func blocks(_ splits: [FileSplit], chunkSize: Int) throws -> [[UInt8]] {
            var blocks: [[UInt8]] = []
            for split in splits {
                let cursor = LineCursor(split: split, chunkSize: chunkSize)
                while let block = try cursor.nextBlock() { blocks.append(Array(block)) }
                #expect(try cursor.nextBlock() == nil, "a finished cursor stays finished")
            }
            return blocks
        }

        @Test func the_blocks_of_all_splits_put_together_are_the_file() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var generator = SystemRandomNumberGenerator()
            let texts = TextFixtures.tricky + (0..<3).map { _ in TextFixtures.random(lines: 30, &generator) }
            for (i, text) in texts.enumerated() {
                let file = try folder.write("b\(i).txt", text)
                for splitBytes in [1, 2, 3, 5, 8, 64, 1 << 20] {
                    let splits = try FileSplitter.splits(of: [file], minPartitions: 1, maxSplitBytes: splitBytes)
                    for chunkSize in [1, 2, 3, 7, 4096] {
                        let read = try blocks(splits, chunkSize: chunkSize)
                        #expect(read.joined().elementsEqual(text.utf8), "text \(i), splits of \(splitBytes), chunks of \(chunkSize)")
                        #expect(read.allSatisfy { !$0.isEmpty }, "no empty block")
                        // Whole lines only: a block ends at a newline, except the file's last line.
                        #expect(read.dropLast().allSatisfy { $0.last == 0x0A })
                    }
                }
            }
        }

        @Test func a_split_as_long_as_int_max_reads_the_file_to_its_end() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try folder.write("lines.txt", "one\ntwo\nthree")
            for start in [0, 4] {
                #expect(try readAll([FileSplit(path: file, start: start, length: Int.max - start)], chunkSize: 1 << 20)
                        == Array(["one", "two", "three"].dropFirst(start == 0 ? 0 : 1)))
            }
        }

        @Test func a_line_longer_than_the_buffer_is_read_whole() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let long = String(repeating: "0123456789", count: 1000)
            let file = try folder.write("long.txt", "a\n\(long)\r\nb")
            let splits = try FileSplitter.splits(of: [file], minPartitions: 3)
            #expect(try readAll(splits, chunkSize: 16) == ["a", long, "b"])
        }

        @Test func invalid_utf8_becomes_replacement_characters() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try folder.write("bad.txt", bytes: [0x61, 0xFF, 0x62, 0x0A, 0xC3])
            #expect(try readAll([FileSplit(path: file, start: 0, length: 5)], chunkSize: 4096) == ["a\u{FFFD}b", "\u{FFFD}"])
        }

        @Test func an_unreadable_file_is_a_typed_error_at_the_first_pull() {
            let cursor = LineCursor(split: FileSplit(path: "/nonexistent/file", start: 0, length: 10))
            #expect(throws: InputError.unreadable(path: "/nonexistent/file", reason: "cannot open")) { try cursor.nextString() }
        }
    }
}
