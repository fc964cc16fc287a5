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
    let descriptor: Int32

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

    /// The size in bytes of the regular file at `path`, following symbolic
    /// links (a link's own size is the length of the path it holds).
    ///
    /// - Throws: ``IOError`` from `open` or `fstat` (no such file, no
    ///   permission, ...), or of `EISDIR` for a directory and `EINVAL` for
    ///   anything else that is not a regular file (a device, a socket, a pipe).
    public static func size(ofFileAt path: String) throws(IOError) -> Int {
        // Opened and asked with fstat (Swift sees `stat` as the struct, not the
        // function); non-blocking, so that opening a FIFO does not wait for a writer.
        let fd = path.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else { throw Posix.error("open") }
        defer { Glibc.close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw Posix.error("fstat") }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return Int(status.st_size)
        case S_IFDIR: throw Posix.error("stat", EISDIR)
        default: throw Posix.error("stat", EINVAL)
        }
    }

    /// The file's size in bytes now.
    ///
    /// - Throws: ``IOError`` from `fstat`.
    public func size() throws(IOError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Posix.error("fstat") }
        return Int(status.st_size)
    }

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
