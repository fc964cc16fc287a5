@_exported import AtomicActors
import Foundation

/// A byte range of one file, read by one partition of `textFile`.
///
/// The lines of a file are shared out by byte ranges with the rule Hadoop uses:
/// a split owns every line that *starts* inside it (the first line of a split that
/// does not start the file belongs to the previous split, which reads past its own
/// end to finish its last line). So each line is read by exactly one partition,
/// wherever the split boundaries fall.
public struct FileSplit: Hashable, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// First byte of the range.
    public var start: Int
    /// Bytes in the range.
    public var length: Int

    /// Creates a split.
    public init(path: String, start: Int, length: Int) {
        self.path = path
        self.start = start
        self.length = length
    }

    /// One past the last byte.
    public var end: Int { start + length }

    /// `"path[start..<end]"`.
    public var description: String { "\(path)[\(start)..<\(end)]" }
}

extension FileSplit: WireCodable {
    /// Writes path, start and length.
    public func encode(to writer: inout WireWriter) {
        writer.write(path)
        writer.write(start)
        writer.write(length)
    }

    /// Reads what ``encode(to:)`` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        let at = reader.offset
        path = try reader.read()
        start = try reader.read()
        length = try reader.read()
        guard start >= 0, length >= 0, start <= Int.max - length else {
            throw .valueOutOfRange(offset: at, type: "FileSplit")
        }
    }
}

/// The splits a file source uses instead of listing its files: set while a
/// worker rebuilds `textFile` or `binaryRecords` with the driver's splits, so
/// both cut the input alike even if the files changed in between.
enum ShippedSplits {
    @TaskLocal static var current: [FileSplit]?
}

/// Why input files could not be listed or read.
///
/// It is `WireCodable`, so an input error on a worker reaches the driver as itself.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible, WireCodable {
    /// Nothing matched the path or pattern.
    case noInput(String)
    /// A file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// A file of fixed-length records ends in a partial record: `length` bytes
    /// at byte `offset`, short of `recordLength`.
    case partialRecord(path: String, offset: Int, length: Int, recordLength: Int)

    /// A one-line explanation naming the path.
    public var description: String {
        switch self {
        case let .noInput(path): return "no input files match '\(path)'"
        case let .unreadable(path, reason): return "cannot read '\(path)': \(reason)"
        case let .partialRecord(path, offset, length, recordLength):
            return "'\(path)' ends in a partial record at byte \(offset): \(length) of \(recordLength) bytes"
        }
    }

    /// Writes the case and its values.
    public func encode(to writer: inout WireWriter) {
        switch self {
        case let .noInput(path):
            writer.write(UInt8(0)); writer.write(path)
        case let .unreadable(path, reason):
            writer.write(UInt8(1)); writer.write(path); writer.write(reason)
        case let .partialRecord(path, offset, length, recordLength):
            writer.write(UInt8(2)); writer.write(path); writer.write(offset); writer.write(length); writer.write(recordLength)
        }
    }

    /// Reads what ``encode(to:)`` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.read(UInt8.self) {
        case 0: self = .noInput(try reader.read())
        case 1: self = .unreadable(path: try reader.read(), reason: try reader.read())
        case 2: self = .partialRecord(path: try reader.read(), offset: try reader.read(), length: try reader.read(),
                                      recordLength: try reader.read())
        case let tag: throw .unknownTag(offset: reader.offset, tag: UInt64(tag), type: "InputError")
        }
    }
}

/// Lists input files and cuts them into splits.
public enum FileSplitter {
    /// The files a path names: a file, every regular file directly in a
    /// directory (sorted, hidden files skipped), or the files matching a glob
    /// with `*` and `?` in its last component (sorted; folders and hidden
    /// files skipped unless the pattern starts with `.` or `_`).
    ///
    /// - Throws: ``InputError/noInput(_:)`` when nothing matches.
    public static func files(at path: String) throws(InputError) -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { return [path] }
            let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            let files = names.filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
                .filter { manager.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
            guard !files.isEmpty else { throw .noInput(path) }
            return files
        }
        let directory = (path as NSString).deletingLastPathComponent
        let pattern = (path as NSString).lastPathComponent
        guard pattern.contains("*") || pattern.contains("?") else { throw .noInput(path) }
        let names = (try? manager.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        // As in a directory, hidden names (a leftover `.part-…`, a committer's
        // `_temporary`) and folders are not input, unless the pattern itself
        // starts with `.` or `_`, as a shell's glob would have it.
        let showsHidden = pattern.hasPrefix(".") || pattern.hasPrefix("_")
        let files = names
            .filter { showsHidden || (!$0.hasPrefix(".") && !$0.hasPrefix("_")) }
            .filter { matches(Array($0.utf8), Array(pattern.utf8)) }.sorted()
            .map { directory.isEmpty ? $0 : (directory as NSString).appendingPathComponent($0) }
            .filter { manager.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
        guard !files.isEmpty else { throw .noInput(path) }
        return files
    }

    /// Splits for `paths` so that there are at least `minPartitions` in all
    /// (more for large files: no split exceeds `maxSplitBytes`). Empty files get
    /// no split.
    public static func splits(of paths: [String], minPartitions: Int, maxSplitBytes: Int = 64 << 20) throws(InputError) -> [FileSplit] {
        var sizes: [(String, Int)] = []
        for path in paths {
            // Through symbolic links: a link's own size is the length of its target's path.
            let size: Int
            do { size = try ReadOnlyFile.size(ofFileAt: path) } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
            sizes.append((path, size))
        }
        let total = sizes.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return [] }
        let goal = max(1, min(maxSplitBytes, ceilingDivision(total, max(1, minPartitions))))
        var splits: [FileSplit] = []
        for (path, size) in sizes where size > 0 {
            var start = 0
            while start < size {
                let length = min(goal, size - start)
                splits.append(FileSplit(path: path, start: start, length: length))
                start += length
            }
        }
        return splits
    }

    /// `*` and `?` matching over bytes.
    static func matches(_ name: [UInt8], _ pattern: [UInt8]) -> Bool {
        var n = 0, p = 0, starP = -1, starN = 0
        while n < name.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n]) {
                n += 1; p += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                starP = p; starN = n; p += 1
            } else if starP >= 0 {
                p = starP + 1; starN += 1; n = starN
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}

/// `dividend / divisor` rounded up, for a dividend ≥ 0 and a divisor ≥ 1,
/// with no sum that could overflow (a partition count may be `Int.max`).
func ceilingDivision(_ dividend: Int, _ divisor: Int) -> Int {
    dividend / divisor + (dividend % divisor == 0 ? 0 : 1)
}
