import Foundation
import Testing
import AtomicTransport

/// `ReadOnlyFile` reads the bytes at the offset asked, fewer only at the end of
/// the file, and a path that cannot be read is a typed error.
@Suite struct ReadOnlyFileTests {
    @Test func readsAtOffsetsAndStopsAtTheEnd() throws {
        let path = NSTemporaryDirectory() + "read-only-file-\(UInt64.random(in: 0...UInt64.max)).bin"
        let content: [UInt8] = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try ReadOnlyFile(path: path)
        #expect(try file.size() == content.count)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        for offset in [0, 1, 5_000, 9_000, 9_999, 10_000, 20_000] {
            let got = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            let expected = Array(content[min(offset, content.count)..<min(offset + buffer.count, content.count)])
            #expect(got == expected.count, "offset \(offset)")
            #expect(Array(buffer[..<got]) == expected, "offset \(offset)")
        }
    }

    @Test func aMissingFileOrADirectoryIsATypedError() throws {
        #expect(throws: IOError.self) { try ReadOnlyFile(path: "/nonexistent/\(UInt64.random(in: 0...UInt64.max))") }
        let directory = try ReadOnlyFile(path: NSTemporaryDirectory())
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(throws: IOError.self) { _ = try buffer.withUnsafeMutableBytes { try directory.read(into: $0, at: 0) } }
    }
}
