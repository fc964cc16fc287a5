import AtomicTransport
import Foundation

/// One run of an external command for `pipe`: the child process, the three
/// threads that move its bytes, and the bounded queues between them and the
/// task thread.
///
/// ```
///                 encode records          write
///   task thread ──────────────▶ [toChild] ──────▶ writer thread ──▶ child stdin
///   task thread ◀────────────── [fromChild] ◀──── reader thread ◀── child stdout
///                 split lines                      stderr thread ◀── child stderr
///                                                  (keeps the last KiB)
/// ```
///
/// Every record loop stays on the task thread: it pulls the parent's records,
/// encodes them into chunks for the writer, and splits the reader's chunks into
/// lines. It only waits when there is no output to take and it cannot give
/// more input (all sent, or the writer's queue full), and then the child is
/// either reading its input or writing output the reader takes, so it never
/// deadlocks however the child interleaves reading and writing. Waits wake
/// every 100 ms to notice the job's cancellation.
///
/// The child's standard input is closed after the last record. A child that
/// stops reading early (`head -1`) just ends the input; its exit status decides.
final class PipedProcess: @unchecked Sendable {
    // `@unchecked Sendable`: every `var` below is read and written with
    // `condition` locked; `process` is only started (in init) and signalled, and
    // each file handle is used by its one thread.
    private let condition = NSCondition()
    /// Chunks of encoded input the writer has not written yet.
    private var toChild: [Data] = []
    /// True once the task thread will send no more input.
    private var inputEnded = false
    /// True once a write failed: the child closed its standard input.
    private var inputRefused = false
    /// Chunks of standard output the task thread has not taken yet.
    private var fromChild: [Data] = []
    /// True once standard output reached end of file.
    private var outputEnded = false
    /// True once standard error reached end of file.
    private var errorEnded = false
    /// The last bytes of standard error.
    private var errorTail: [UInt8] = []
    /// The exit status once the child has exited (128 + n for signal n).
    private var exitStatus: Int32?
    /// True once the task ended early or failed: threads stop, queues drop.
    private var aborted = false

    private let process: Process
    private let displayName: String
    private let task: TaskContext

    /// How many chunks each queue holds before its producer waits.
    private static let queueLimit = 4
    /// How many bytes of encoded input make a chunk.
    static let chunkSize = 64 << 10
    /// How many bytes of standard error a failure reports.
    private static let errorTailSize = 1024

    /// Starts `command` with `arguments`, its environment being this process's
    /// plus `environment`.
    ///
    /// - Throws: ``EngineError/commandFailed(command:status:stderrTail:)`` with
    ///   status 127 when the command cannot be found or started.
    init(command: String, arguments: [String], environment: [String: String], task: TaskContext) throws {
        self.task = task
        displayName = ([command] + arguments).joined(separator: " ")
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        guard let path = Self.executablePath(command, environment: variables) else {
            throw EngineError.commandFailed(command: displayName, status: 127, stderrTail: "\(command): command not found")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = variables
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { [weak self] ended in
            let status = ended.terminationReason == .uncaughtSignal ? 128 + ended.terminationStatus : ended.terminationStatus
            self?.locked { self?.exitStatus = status }
        }
        do {
            // The child inherits the starting thread's signal mask; task threads block SIGTERM.
            try ThreadSignals.withNoSignalsBlocked { try process.run() }
        } catch {
            throw EngineError.commandFailed(command: displayName, status: 127, stderrTail: "cannot start \(path): \(error)")
        }
        let writer = input.fileHandleForWriting, reader = output.fileHandleForReading
        let errorReader = errors.fileHandleForReading
        Thread.detachNewThread { [self] in writeInput(to: writer) }
        Thread.detachNewThread { [self] in readOutput(from: reader) }
        Thread.detachNewThread { [self] in readErrors(from: errorReader) }
    }

    /// The path of `command`: itself if it has a slash, else the first
    /// executable of that name in `PATH`.
    private static func executablePath(_ command: String, environment: [String: String]) -> String? {
        guard !command.isEmpty else { return nil }
        if command.contains("/") { return command }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders {
            let candidate = "\(folder)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    // MARK: - The task thread

    /// The next chunk of the child's standard output, or nil once it ended and
    /// the child exited with status 0. `encode` fills a chunk of input from the
    /// parent's records and returns true when they are exhausted.
    ///
    /// - Throws: ``EngineError/commandFailed(command:status:stderrTail:)``,
    ///   `CancellationError`, or what `encode` threw (the child is then stopped).
    func nextOutput(encode: (inout [UInt8]) throws -> Bool) throws -> Data? {
        condition.lock()
        while true {
            if !fromChild.isEmpty {
                let chunk = fromChild.removeFirst()
                condition.broadcast()
                condition.unlock()
                return chunk
            }
            if outputEnded {
                condition.unlock()
                try finish()
                return nil
            }
            if inputRefused, !inputEnded {
                inputEnded = true
                condition.broadcast()
            }
            if !inputEnded, toChild.count < Self.queueLimit {
                condition.unlock()
                var chunk: [UInt8] = []
                chunk.reserveCapacity(Self.chunkSize + 256)
                let exhausted: Bool
                do {
                    exhausted = try encode(&chunk)
                } catch {
                    abort()
                    throw error
                }
                condition.lock()
                if !chunk.isEmpty, !inputRefused { toChild.append(Data(chunk)) }
                if exhausted { inputEnded = true }
                condition.broadcast()
                continue
            }
            try waitAWhile()
        }
    }

    /// Waits for the child's exit; throws if it failed.
    private func finish() throws {
        condition.lock()
        // The output ended: whatever input is left will never be read.
        inputEnded = true
        toChild.removeAll()
        condition.broadcast()
        while exitStatus == nil { try waitAWhile() }
        let status = exitStatus ?? 0
        if status != 0 {
            while !errorEnded { try waitAWhile() }
        }
        let tail = String(decoding: errorTail, as: UTF8.self)
        condition.unlock()
        if status != 0 {
            throw EngineError.commandFailed(command: displayName, status: status, stderrTail: tail)
        }
    }

    /// Waits for at most 100 ms on the condition, which the caller has locked.
    /// If the job was cancelled meanwhile, it stops the child and throws with
    /// the condition unlocked.
    private func waitAWhile() throws {
        _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
        guard task.isCancelled else { return }
        condition.unlock()
        abort()
        throw CancellationError()
    }

    /// Stops the child and the threads; what they still produce is dropped.
    /// Called when the task ends, however it ends.
    func abort() {
        let running = locked { () -> Bool in
            aborted = true
            toChild.removeAll()
            fromChild.removeAll()
            return exitStatus == nil
        }
        // Once the exit is recorded the pid may belong to another process.
        if running { process.terminate() }
    }

    // MARK: - The threads

    private func writeInput(to handle: FileHandle) {
        ThreadSignals.blockBrokenPipeOnCurrentThread()
        while let chunk = nextInput() {
            do {
                try handle.write(contentsOf: chunk)
            } catch {
                locked {
                    inputRefused = true
                    toChild.removeAll()
                }
                break
            }
        }
        try? handle.close()
    }

    /// The next chunk to write, or nil when there is no more input.
    private func nextInput() -> Data? {
        condition.lock()
        defer { condition.unlock() }
        while toChild.isEmpty && !inputEnded && !aborted { condition.wait() }
        guard !aborted, !toChild.isEmpty else { return nil }
        defer { condition.broadcast() }
        return toChild.removeFirst()
    }

    private func readOutput(from handle: FileHandle) {
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            condition.lock()
            while fromChild.count >= Self.queueLimit && !aborted { condition.wait() }
            if !aborted { fromChild.append(data) }
            condition.broadcast()
            condition.unlock()
        }
        try? handle.close()
        locked { outputEnded = true }
    }

    private func readErrors(from handle: FileHandle) {
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            locked {
                errorTail.append(contentsOf: data.suffix(Self.errorTailSize))
                if errorTail.count > Self.errorTailSize { errorTail.removeFirst(errorTail.count - Self.errorTailSize) }
            }
        }
        try? handle.close()
        locked { errorEnded = true }
    }

    /// Runs `body` with the condition locked, then wakes every waiter.
    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body()
    }
}
