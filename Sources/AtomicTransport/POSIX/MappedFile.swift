import Glibc

/// A range of a file mapped read-only into memory, so that its bytes can be
/// read in place and sent to a socket from the page cache: no copy into an
/// array of the process's own, no fresh pages for one.
///
/// ```swift
/// let file = try MappedFile(path: "/tmp/run-3", range: 65_536..<9_000_000)   // or (file: ReadOnlyFile, range:)
/// file.withUnsafeBytes(in: 65_536..<65_540) { head in ... }   // file offsets
/// let tail = FrameTail(mappedFile: file, ranges: bodies)     // sent from the mapping
/// ```
///
/// The mapping ends when the value is released. The range is checked against
/// the file's size when it is mapped; the file must not be shortened while
/// mapped (reading pages past a file's end faults), which holds for files a
/// process writes once and only deletes: deleting a mapped file keeps its
/// pages until the mapping ends.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened at.
    public let path: String
    /// The file offsets mapped.
    public let range: Range<Int>
    // The mapping starts at the page holding `range.lowerBound`.
    private let base: UnsafeMutableRawPointer?
    private let mappedLength: Int
    private let skip: Int

    /// Maps `range` of the file at `path` (file offsets), the pages mapped at once.
    ///
    /// - Throws: ``IOError`` from `open`, `fstat` or `mmap`, or of `EINVAL`
    ///   when `range` is not within the file (its size when mapped).
    public convenience init(path: String, range: Range<Int>) throws(IOError) {
        try self.init(file: try ReadOnlyFile(path: path), range: range)
    }

    /// Maps `range` of `file`, already open (file offsets), the pages mapped at
    /// once; the mapping does not need the file to stay open.
    ///
    /// - Throws: ``IOError`` from `fstat` or `mmap`, or of `EINVAL` when
    ///   `range` is not within the file (its size when mapped).
    public init(file: ReadOnlyFile, range: Range<Int>) throws(IOError) {
        self.path = file.path
        self.range = range
        guard range.lowerBound >= 0, range.upperBound <= (try file.size()) else { throw Posix.error("mmap", EINVAL) }
        guard !range.isEmpty else {
            (base, mappedLength, skip) = (nil, 0, 0)
            return
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        let length = range.upperBound - start
        // Populated at once: one call maps every page instead of a fault per page as they are sent.
        let address = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.descriptor, off_t(start))
        guard let address, address != MAP_FAILED else { throw Posix.error("mmap") }
        (base, mappedLength, skip) = (address, length, range.lowerBound - start)
    }

    deinit {
        if let base { munmap(base, mappedLength) }
    }

    /// The mapped bytes at file offsets `offsets`, valid while this file is alive.
    /// `offsets` must lie within ``range``.
    func bytes(at offsets: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(offsets.lowerBound >= range.lowerBound && offsets.upperBound <= range.upperBound,
                     "offsets \(offsets) outside the mapped \(range)")
        guard let base, !offsets.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + skip + (offsets.lowerBound - range.lowerBound), count: offsets.count)
    }

    /// Calls `body` with the bytes at file offsets `offsets` (within ``range``).
    public func withUnsafeBytes<R>(in offsets: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(bytes(at: offsets)) }
    }
}
