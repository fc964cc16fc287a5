import Glibc

/// A file open for reading, read at given offsets straight into the caller's
/// memory: no `Data` per read, so reading a large file costs one copy (the
/// kernel's) and no fresh pages to fault in for every chunk.
///
/// ```swift
/// let file = try ReadOnlyFile(path: "/data/text.txt")
/// let got = try file.read(into: buffer, at: 0)   // 0 at the end of the file
/// ```
///
/// The descriptor closes when the file is released. Reads at given offsets
/// (`pread`) share no position, but the type is meant for one reader.
public final class ReadOnlyFile {
    /// The path the file was opened at.
    public let path: String
    private let descriptor: Int32

    /// Opens `path` for reading.
    ///
    /// - Throws: ``IOError`` from `open` (no such file, no permission, ...).
    public init(path: String) throws(IOError) {
        self.path = path
        let fd = path.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw Posix.error("open") }
        descriptor = fd
    }

    deinit { Glibc.close(descriptor) }

    /// Reads up to `buffer.count` bytes at file offset `offset` into `buffer`;
    /// returns the number read, fewer only at the end of the file (0 past it).
    ///
    /// - Throws: ``IOError`` from `pread` (a read error, a directory).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(IOError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var total = 0
        while total < buffer.count {
            let got = Glibc.pread(descriptor, base + total, buffer.count - total, off_t(offset + total))
            if got < 0 {
                if Glibc.errno == EINTR { continue }
                throw Posix.error("pread")
            }
            if got == 0 { break }
            total += got
        }
        return total
    }
}
