import Foundation
import Testing
import AtomicTransport

/// `MappedFile` gives the bytes at the file offsets asked, from a range that
/// need not start on a page, and refuses a range the file does not hold.
@Suite struct MappedFileTests {
    /// A temporary file of `count` patterned bytes, removed by `body`'s end.
    private func withFile(count: Int, _ body: (String, [UInt8]) throws -> Void) throws {
        let path = NSTemporaryDirectory() + "mapped-file-\(UInt64.random(in: 0...UInt64.max)).bin"
        let content: [UInt8] = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
        try #require(FileManager.default.createFile(atPath: path, contents: Data(content)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path, content)
    }

    @Test func readsTheBytesAtFileOffsetsFromARangeOffThePageBoundary() throws {
        try withFile(count: 50_000) { path, content in
            let range = 4_097..<45_001
            let file = try MappedFile(path: path, range: range)
            #expect(file.range == range)
            for offsets in [4_097..<4_200, 8_190..<8_200, 44_000..<45_001, 4_097..<45_001, 10_000..<10_000] {
                let read = file.withUnsafeBytes(in: offsets) { Array($0) }
                #expect(read == Array(content[offsets]), "offsets \(offsets)")
            }
            let whole = try MappedFile(path: path, range: 0..<content.count)
            #expect(whole.withUnsafeBytes(in: 0..<content.count) { Array($0) } == content)
        }
    }

    @Test func aRangeTheFileDoesNotHoldOrAMissingFileIsATypedError() throws {
        try withFile(count: 1_000) { path, _ in
            #expect(throws: IOError.self) { try MappedFile(path: path, range: 500..<1_001) }
            #expect(throws: IOError.self) { try MappedFile(path: path, range: -1..<10) }
            let empty = try MappedFile(path: path, range: 1_000..<1_000)
            #expect(empty.withUnsafeBytes(in: 1_000..<1_000) { $0.count } == 0)
        }
        #expect(throws: IOError.self) { try MappedFile(path: "/nonexistent/\(UInt64.random(in: 0...UInt64.max))", range: 0..<1) }
    }

    @Test func aTailOfPartsGivesTheirBytesInOrder() throws {
        try withFile(count: 20_000) { path, content in
            let file = try MappedFile(path: path, range: 100..<19_000)
            let ranges = [18_000..<19_000, 100..<101, 5_000..<5_000, 7_000..<12_345]
            let pairs: [(Int32, Int32)] = [(1, -1), (2, -2)]
            // Arrays' memory twice, with parts after each, and an empty part.
            let tail = FrameTail([FrameTail(bytes: [7, 7]), FrameTail(mappedFile: file, ranges: ranges),
                                  FrameTail(memoryOf: pairs), FrameTail(bytes: []), FrameTail(bytes: [5]),
                                  FrameTail(memoryOf: pairs), FrameTail(mappedFile: file, ranges: [100..<110])])
            var expected: [UInt8] = [7, 7]
            for range in ranges { expected += content[range] }
            var memory: [UInt8] = []
            for pair in pairs {
                withUnsafeBytes(of: pair.0.littleEndian) { memory += $0 }
                withUnsafeBytes(of: pair.1.littleEndian) { memory += $0 }
            }
            expected += memory + [5] + memory + content[100..<110]
            #expect(tail.count == expected.count)
            #expect(tail.bytes == expected)
        }
    }
}
