import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// Every line is read by exactly one split, wherever the boundaries fall.
    @Suite struct LineReaderTests {
        /// A scratch folder removed at the end.
        final class Scratch {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-lines-\(UInt64.random(in: 0...UInt64.max))").path
            init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            func write(_ name: String, _ text: String) throws -> String {
                let file = (path as NSString).appendingPathComponent(name)
                try Data(text.utf8).write(to: URL(fileURLWithPath: file))
                return file
            }
            deinit { try? FileManager.default.removeItem(atPath: path) }
        }

        /// The lines as Spark's textFile reads them, from the whole text at once.
        /// Split on bytes: in Swift's `String`, "\r\n" is one `Character`, not two.
        func expectedLines(_ text: String) -> [String] {
            let bytes = Array(text.utf8)
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> String in
                String(decoding: line.last == 0x0D ? line.dropLast() : line[...], as: UTF8.self)
            }
            if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
            return lines
        }

        /// Up to `lines` runs of letters, each ended by a newline, CRLF, space or blank line.
        func randomText(lines: Int, _ generator: inout SystemRandomNumberGenerator) -> String {
            var text = ""
            for _ in 0..<Int.random(in: 0...lines, using: &generator) {
                text += String(repeating: "w", count: Int.random(in: 0...40, using: &generator))
                text += ["\n", "\r\n", " ", "\n\n"].randomElement(using: &generator)!
            }
            return text
        }

        func readAll(_ splits: [FileSplit], chunkSize: Int) throws -> [String] {
            var lines: [String] = []
            for split in splits {
                try LineReader.forEachLine(in: split, chunkSize: chunkSize) { lines.append(String(decoding: $0, as: UTF8.self)) }
            }
            return lines
        }

        @Test func every_line_is_read_exactly_once_for_every_split_size_and_chunk_size() throws {
            let scratch = try Scratch()
            let texts = [
                "", "a", "a\n", "\n", "\n\n", "one\ntwo\nthree", "one\r\ntwo\r\n\r\nthree\r\n",
                "short\n" + String(repeating: "long line ", count: 50) + "\nend", "x\ny\nz\n\n",
                "ünïcödé 中文\nsecond ✓\n",
            ]
            for (i, text) in texts.enumerated() {
                let file = try scratch.write("t\(i).txt", text)
                let expected = expectedLines(text)
                for splitBytes in [1, 2, 3, 5, 8, 64, 1 << 20] {
                    let splits = try FileSplitter.splits(of: [file], minPartitions: 1, maxSplitBytes: splitBytes)
                    for chunkSize in [1, 3, 7, 4096] {
                        #expect(try readAll(splits, chunkSize: chunkSize) == expected, "text \(i), splits of \(splitBytes), chunks of \(chunkSize)")
                    }
                }
            }
        }

        @Test func random_text_splits_at_random_boundaries_lose_and_repeat_nothing() throws {
            let scratch = try Scratch()
            var generator = SystemRandomNumberGenerator()
            for round in 0..<20 {
                let text = randomText(lines: 200, &generator)
                let file = try scratch.write("r\(round).txt", text)
                let splits = try FileSplitter.splits(of: [file], minPartitions: Int.random(in: 1...50, using: &generator))
                #expect(try readAll(splits, chunkSize: Int.random(in: 1...64, using: &generator)) == expectedLines(text))
            }
        }

        @Test func blocks_of_all_splits_put_together_are_the_file() throws {
            let scratch = try Scratch()
            var generator = SystemRandomNumberGenerator()
            for round in 0..<20 {
                let text = randomText(lines: 300, &generator)
                let file = try scratch.write("b\(round).txt", text)
                var bytes: [UInt8] = []
                for split in try FileSplitter.splits(of: [file], minPartitions: Int.random(in: 1...40, using: &generator)) {
                    try LineReader.forEachBlock(in: split, chunkSize: Int.random(in: 1...100, using: &generator)) { bytes += $0 }
                }
                #expect(bytes == Array(text.utf8))
            }
        }

        @Test func splits_cover_each_file_and_skip_empty_ones() throws {
            let scratch = try Scratch()
            let a = try scratch.write("a.txt", String(repeating: "x", count: 100))
            let empty = try scratch.write("b.txt", "")
            let splits = try FileSplitter.splits(of: [a, empty], minPartitions: 3)
            #expect(splits.count == 3)
            #expect(splits.allSatisfy { $0.path == a })
            #expect(splits.map(\.length).reduce(0, +) == 100)
            #expect(splits.first?.start == 0 && splits.last?.end == 100)
        }

        @Test func directories_and_globs_list_their_files_in_order() throws {
            let scratch = try Scratch()
            _ = try scratch.write("part-00001", "b\n")
            _ = try scratch.write("part-00000", "a\n")
            _ = try scratch.write("_SUCCESS", "")
            _ = try scratch.write("other.log", "z\n")
            let all = try FileSplitter.files(at: scratch.path).map { ($0 as NSString).lastPathComponent }
            #expect(all == ["other.log", "part-00000", "part-00001"])
            let parts = try FileSplitter.files(at: scratch.path + "/part-*").map { ($0 as NSString).lastPathComponent }
            #expect(parts == ["part-00000", "part-00001"])
            #expect(throws: InputError.noInput(scratch.path + "/nothing-*")) { try FileSplitter.files(at: scratch.path + "/nothing-*") }
            #expect(throws: InputError.noInput(scratch.path + "/missing.txt")) { try FileSplitter.files(at: scratch.path + "/missing.txt") }
        }

        @Test func globs_skip_hidden_names_and_folders_unless_the_pattern_names_them() throws {
            let scratch = try Scratch()
            _ = try scratch.write("part-00000", "a\n")
            _ = try scratch.write(".part-00001.attempt-9", "stale\n")
            _ = try scratch.write("_part-00002", "x\n")
            try FileManager.default.createDirectory(atPath: scratch.path + "/part-folder", withIntermediateDirectories: false)
            let names = { (glob: String) throws in
                try FileSplitter.files(at: scratch.path + "/" + glob).map { ($0 as NSString).lastPathComponent }
            }
            #expect(try names("*") == ["part-00000"])
            #expect(try names("part-*") == ["part-00000"])
            #expect(try names(".part-*") == [".part-00001.attempt-9"], "a pattern starting with a dot names hidden files")
            #expect(try names("_part-*") == ["_part-00002"])
        }

        @Test func a_symbolic_link_is_read_as_the_file_it_points_to() throws {
            let scratch = try Scratch()
            let text = (0..<2000).map { "line \($0)" }.joined(separator: "\n") + "\n"
            let target = try scratch.write("target.txt", text)
            let link = scratch.path + "/link.txt"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let splits = try FileSplitter.splits(of: [link], minPartitions: 3)
            #expect(splits.map(\.length).reduce(0, +) == text.utf8.count, "the target's size, not the link's")
            var lines: [String] = []
            for split in splits { try LineReader.forEachLine(in: split) { lines.append(String(decoding: $0, as: UTF8.self)) } }
            #expect(lines == expectedLines(text))
            let records = try FileSplitter.recordSplits(of: [link], recordLength: 10, minPartitions: 2)
            #expect(records.map(\.length).reduce(0, +) == text.utf8.count)
            try FileManager.default.createSymbolicLink(atPath: scratch.path + "/dangling", withDestinationPath: scratch.path + "/gone")
            #expect(throws: InputError.self) { try FileSplitter.splits(of: [scratch.path + "/dangling"], minPartitions: 1) }
        }

        @Test func any_partition_count_splits_without_overflow() throws {
            let scratch = try Scratch()
            let file = try scratch.write("small.txt", "one\ntwo\nthree\n")
            for minPartitions in [Int.max, Int.max - 1, Int.min, 0, -1] {
                let splits = try FileSplitter.splits(of: [file], minPartitions: minPartitions)
                #expect(splits.map(\.length).reduce(0, +) == 14, "minPartitions \(minPartitions)")
                let records = try FileSplitter.recordSplits(of: [file], recordLength: 2, minPartitions: minPartitions)
                #expect(records.map(\.length).reduce(0, +) == 14, "minPartitions \(minPartitions)")
            }
        }

        @Test func an_unreadable_file_is_a_typed_error() {
            #expect(throws: InputError.self) {
                try LineReader.forEachLine(in: FileSplit(path: "/nonexistent/file", start: 0, length: 10)) { _ in }
            }
        }
    }
}
