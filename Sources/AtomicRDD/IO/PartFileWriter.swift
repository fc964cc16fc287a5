import Foundation

/// Writes the lines of one task attempt to its own file, then renames it to
/// its part file on ``commit()`` or deletes it on ``abort()`` (see
/// ``OutputCommitter``). Lines are gathered in a 64 KiB buffer between writes.
///
/// Not thread-safe: used by the one thread running the task.
final class PartFileWriter {
    private let path: String
    private let finalPath: String
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var ended: (() -> Void)?
    private static let flushSize = 1 << 16

    /// Creates the attempt's file at `path`; `ended` runs once, at commit or abort.
    ///
    /// - Throws: ``EngineError/outputFailed(path:reason:)``.
    init(path: String, finalPath: String, ended: @escaping () -> Void) throws {
        self.path = path
        self.finalPath = finalPath
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw EngineError.outputFailed(path: path, reason: "cannot create")
        }
        self.handle = handle
        self.ended = ended
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit { abort() }

    /// Appends `line` and a newline.
    ///
    /// - Throws: ``EngineError/outputFailed(path:reason:)``.
    func append(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Writes what is buffered, closes the file and renames it to the part
    /// file. If another attempt of the partition got there first, its file
    /// stays and this one is deleted.
    ///
    /// - Throws: ``EngineError/outputFailed(path:reason:)``; the attempt's file is then deleted.
    func commit() throws {
        do {
            try flush()
            try handle?.close()
            handle = nil
        } catch {
            abort()
            throw error as? EngineError ?? EngineError.outputFailed(path: path, reason: "\(error)")
        }
        let manager = FileManager.default
        do { try manager.moveItem(atPath: path, toPath: finalPath) } catch {
            let firstWon = manager.fileExists(atPath: finalPath)
            abort()
            if !firstWon { throw EngineError.outputFailed(path: finalPath, reason: "\(error)") }
        }
        end()
    }

    /// Closes and deletes the attempt's file. Does nothing after commit.
    func abort() {
        guard ended != nil else { return }
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(atPath: path)
        end()
    }

    private func flush() throws {
        guard !buffer.isEmpty, let handle else { return }
        do { try handle.write(contentsOf: buffer) } catch {
            throw EngineError.outputFailed(path: path, reason: "\(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func end() {
        let ended = ended
        self.ended = nil
        ended?()
    }
}

extension PartFileWriter {
    /// Writes every remaining record as a line (a string as it is, any other
    /// value as `String(describing:)`), checking `task`'s cancellation every
    /// 4096 lines, then commits; on any error the file is aborted and the error rethrown.
    func writeAll<Element>(_ records: inout Records<Element>, task: TaskContext) throws {
        let isString = Element.self == String.self
        do {
            var count = 0
            while let element = try records.next() {
                try append(isString ? element as! String : String(describing: element))
                count &+= 1
                if count & 4095 == 0 { try task.checkCancelled() }
            }
            try commit()
        } catch {
            abort()
            throw error
        }
    }
}
