import Foundation

/// A fresh folder under the system's temporary folder. Tests remove it with
/// `defer { folder.remove() }` (a deinit could run after the last use, before
/// the test is done with the files).
struct TemporaryFolder: Sendable {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("atomic-test-\(UInt64.random(in: 0...UInt64.max))").path

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    /// Removes the folder and everything in it.
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` in the folder.
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` (UTF-8) to `name`, making the folders on the way; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, bytes: Array(text.utf8)) }

    /// Writes `bytes` to `name`, making the folders on the way; returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = file(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The names in the folder `name` (the folder itself when nil), hidden ones included, sorted.
    func contents(_ name: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: name.map(file) ?? path)) ?? []).sorted()
    }
}

/// Texts with every kind of line ending, and the lines Spark's `textFile` reads from them.
enum TextFixtures {
    /// Texts with `\n`, `\r\n`, no final newline, empty lines, empty text and multi-byte UTF-8.
    static let tricky = [
        "", "a", "a\n", "\n", "\n\n", "one\ntwo\nthree", "one\r\ntwo\r\n\r\nthree\r\n",
        "short\n" + String(repeating: "long line ", count: 12) + "\nend", "x\ny\nz\n\n",
        "ünïcödé 中文\nsecond ✓\n", "mixed\r\nends\nhere\r\n\n\r\nlast without newline",
    ]

    /// The lines of `text`, computed from the whole text at once. Split on bytes:
    /// in Swift's `String`, "\r\n" is one `Character`, not two.
    static func lines(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> String in
            String(decoding: line.last == 0x0D ? line.dropLast() : line[...], as: UTF8.self)
        }
        if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
        return lines
    }

    /// Up to `lines` runs of letters, each ended by a newline, CRLF, space or blank line.
    static func random(lines: Int, _ generator: inout SystemRandomNumberGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...lines, using: &generator) {
            text += String(repeating: "w", count: Int.random(in: 0...40, using: &generator))
            text += ["\n", "\r\n", " ", "\n\n"].randomElement(using: &generator)!
        }
        return text
    }
}
