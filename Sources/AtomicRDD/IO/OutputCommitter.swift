import Foundation
import Synchronization

/// Makes a job's output folder appear whole or not at all, as Hadoop's
/// `FileOutputCommitter` does.
///
/// ```
/// parent/
///   .out._temporary-<uuid>/       made when the job starts
///     .part-00003.attempt-17      written by task attempt 17 of partition 3
///     part-00003                  renamed from it when the attempt succeeds
///     _SUCCESS                    written when every task succeeded
///   out/                          the temporary folder, renamed at commit
/// ```
///
/// Each task attempt writes its own file, so a retried task never appends to
/// a failed attempt's bytes: a failed attempt deletes its file, a successful
/// one renames it to `part-NNNNN` (the first rename wins if two attempts of a
/// partition succeed). The temporary folder is hidden (`.`-prefixed), so
/// directory listings of the parent skip it.
///
/// Tasks of a failed job may still be running when the job's caller hears of
/// the failure. So commit and abort first close the committer (no new part
/// file opens) and wait for the writers still open to finish; writers see
/// their job's cancellation within a few thousand records.
final class OutputCommitter: Sendable {
    /// The folder the output ends up in.
    let target: String
    /// The hidden folder the tasks write to.
    let temporary: String
    private let overwrite: Bool
    private let gate = Mutex(Gate())

    /// Who is writing, and whether more may start.
    private struct Gate {
        var openWriters = 0
        var closed = false
        /// The commit or abort waiting for the last writer.
        var waiter: CheckedContinuation<Void, Never>?
    }

    /// Makes the temporary folder (and any missing parents) beside `target`.
    ///
    /// - Throws: ``EngineError/outputExists(path:)`` when `target` exists and
    ///   `overwrite` is false; ``EngineError/outputFailed(path:reason:)``.
    init(target: String, overwrite: Bool) throws {
        let manager = FileManager.default
        let name = (target as NSString).lastPathComponent
        guard !name.isEmpty, name != "/" else {
            throw EngineError.outputFailed(path: target, reason: "not a folder path")
        }
        if !overwrite && manager.fileExists(atPath: target) { throw EngineError.outputExists(path: target) }
        self.target = target
        self.overwrite = overwrite
        temporary = Self.sibling(of: target, suffix: "_temporary")
        do {
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        } catch {
            throw EngineError.outputFailed(path: temporary, reason: "\(error)")
        }
    }

    /// A new hidden path in the folder of `path`: `.name.<suffix>-<uuid>`.
    private static func sibling(of path: String, suffix: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let name = ".\((path as NSString).lastPathComponent).\(suffix)-\(UUID().uuidString)"
        return parent.isEmpty ? name : (parent as NSString).appendingPathComponent(name)
    }

    // MARK: - Tasks

    /// Opens the file of one task attempt writing `partition`.
    ///
    /// - Throws: `CancellationError` once the job was committed or aborted;
    ///   ``EngineError/outputFailed(path:reason:)``.
    func openWriter(partition: Int, attemptId: Int) throws -> PartFileWriter {
        let admitted = gate.withLock { gate -> Bool in
            guard !gate.closed else { return false }
            gate.openWriters += 1
            return true
        }
        guard admitted else { throw CancellationError() }
        do {
            return try Self.partWriter(in: temporary, partition: partition, attemptId: attemptId) { [self] in writerEnded() }
        } catch {
            writerEnded()
            throw error
        }
    }

    /// The writer of one task attempt's part file in the `temporary` folder:
    /// `.part-NNNNN.attempt-A`, renamed to `part-NNNNN` when it commits. Also
    /// what a worker process uses, where the driver's committer is not.
    ///
    /// - Throws: ``EngineError/outputFailed(path:reason:)``.
    static func partWriter(in temporary: String, partition: Int, attemptId: Int,
                           ended: @escaping () -> Void = {}) throws -> PartFileWriter {
        let name = String(format: "part-%05d", partition)
        let folder = temporary as NSString
        return try PartFileWriter(path: folder.appendingPathComponent(".\(name).attempt-\(attemptId)"),
                                  finalPath: folder.appendingPathComponent(name), ended: ended)
    }

    private func writerEnded() {
        let waiter = gate.withLock { gate -> CheckedContinuation<Void, Never>? in
            gate.openWriters -= 1
            guard gate.closed, gate.openWriters == 0 else { return nil }
            defer { gate.waiter = nil }
            return gate.waiter
        }
        waiter?.resume()
    }

    // MARK: - The job

    /// After every task succeeded: writes `_SUCCESS` and moves the temporary
    /// folder to the target (replacing it when overwriting).
    ///
    /// - Throws: ``EngineError/outputExists(path:)`` when the target appeared
    ///   meanwhile without `overwrite`; ``EngineError/outputFailed(path:reason:)``.
    ///   Either way the temporary folder is gone and an existing target untouched.
    func commitJob() async throws {
        await closeAndDrain()
        let manager = FileManager.default
        do {
            guard manager.createFile(atPath: (temporary as NSString).appendingPathComponent("_SUCCESS"), contents: nil) else {
                throw EngineError.outputFailed(path: temporary, reason: "cannot write _SUCCESS")
            }
            try replaceTarget()
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }

    /// After a failed or cancelled job: removes the temporary folder.
    ///
    /// On worker processes, a failed job's other tasks may still be writing
    /// when the driver gets here (they stop once told of the failure, but the
    /// driver does not wait for them). A file one of them makes while the
    /// folder is being emptied makes the removal fail (not empty), so the
    /// removal is tried again until the folder is gone; once it is, a late
    /// writer cannot make its file, and nothing brings the folder back.
    func abortJob() async {
        await closeAndDrain()
        await Self.remove(temporary)
    }

    /// Removes the folder at `path` with its contents, trying again (up to
    /// `attempts` times, yielding in between) while files keep appearing in it.
    static func remove(_ path: String, attempts: Int = 1000) async {
        let manager = FileManager.default
        for _ in 0..<attempts {
            try? manager.removeItem(atPath: path)
            if !manager.fileExists(atPath: path) { return }
            await Task.yield()
        }
    }

    /// Closes the gate and waits for the open writers to end.
    private func closeAndDrain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let drained = gate.withLock { gate -> Bool in
                gate.closed = true
                guard gate.openWriters > 0 else { return true }
                gate.waiter = continuation
                return false
            }
            if drained { continuation.resume() }
        }
    }

    private func replaceTarget() throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: target) else {
            do { try manager.moveItem(atPath: temporary, toPath: target) } catch {
                throw EngineError.outputFailed(path: target, reason: "\(error)")
            }
            return
        }
        guard overwrite else { throw EngineError.outputExists(path: target) }
        // Move the old output aside first, so it comes back if the new one cannot take its place.
        let aside = Self.sibling(of: target, suffix: "_replaced")
        do { try manager.moveItem(atPath: target, toPath: aside) } catch {
            throw EngineError.outputFailed(path: target, reason: "cannot move the old output aside: \(error)")
        }
        do { try manager.moveItem(atPath: temporary, toPath: target) } catch {
            try? manager.moveItem(atPath: aside, toPath: target)
            throw EngineError.outputFailed(path: target, reason: "\(error)")
        }
        try? manager.removeItem(atPath: aside)
    }
}
