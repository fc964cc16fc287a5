import AtomicActors
import AtomicTransport
import Foundation
import Synchronization

/// A worker process the driver started (local-cluster mode). Its standard input
/// is a pipe from the driver: when the driver exits, even killed, the pipe
/// closes and the worker exits (`--exit-with-parent`), so no worker outlives it.
final class WorkerProcess: @unchecked Sendable {
    // `@unchecked Sendable`: `Process` and `Pipe` are used only through their
    // thread-safe calls (terminate, isRunning, waitUntilExit, close).
    private let process: Process
    private let stdin: Pipe

    private init(process: Process, stdin: Pipe) {
        self.process = process
        self.stdin = stdin
    }

    /// Starts `executable --worker --driver … --cores … --memory … --exit-with-parent`,
    /// with `--warm-reserve …` when `warmReserve` is given.
    /// `exited` gets the exit status and the start of standard error.
    static func launch(executable: String?, driver: Endpoint, cores: Int, memory: Int, warmReserve: Int? = nil,
                       secretFile: String?, exited: @escaping @Sendable (Int32, String) -> Void) throws -> WorkerProcess {
        let process = Process()
        let path = executable ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        process.executableURL = URL(fileURLWithPath: path)
        var arguments = ["--worker", "--driver", "\(driver)", "--cores", "\(cores)", "--memory", "\(max(1, memory))b",
                         "--exit-with-parent"]
        if let warmReserve { arguments += ["--warm-reserve", "\(warmReserve)b"] }
        if let secretFile { arguments += ["--secret-file", secretFile] }
        process.arguments = arguments
        // The allocator settings of a worker from the first allocation on (see
        // `ProcessAllocator`), unless the environment says otherwise.
        process.environment = ProcessAllocator.workerEnvironment(ProcessInfo.processInfo.environment)
        let stdin = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        // ATOMIC_WORKER_STDERR=inherit shows workers' logs and crashes on the driver's standard error.
        let inherit = ProcessInfo.processInfo.environment["ATOMIC_WORKER_STDERR"] == "inherit"
        process.standardError = inherit ? FileHandle.standardError : stderr
        // Standard error is read by a thread of its own with blocking reads: a
        // pipe's `readabilityHandler` is a dispatch source, whose teardown when
        // the worker exits races libdispatch's event loop and can crash it.
        let tail = inherit ? nil : StandardErrorTail(reading: stderr.fileHandleForReading)
        process.terminationHandler = { process in
            exited(process.terminationStatus, tail?.text(waitingAtMost: .seconds(2)) ?? "")
        }
        do { try process.run() } catch {
            throw EngineError.workerFailed(worker: path, reason: "cannot start: \(error)")
        }
        return WorkerProcess(process: process, stdin: stdin)
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Closes the worker's pipe, terminates it, and waits for it to exit.
    func stop() async {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        let process = process
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                done.resume()
            }
        }
    }
}

/// The start of a worker's standard error, read until the pipe ends by a
/// thread of its own: the first lines say why a worker crashed.
private final class StandardErrorTail: Sendable {
    private static let limit = 2048
    private let kept = Mutex<[UInt8]>([])
    private let ended = DispatchSemaphore(value: 0)

    /// Starts reading `handle` to its end on a new thread, keeping the first
    /// bytes and dropping the rest (the worker never blocks on a full pipe).
    init(reading handle: FileHandle) {
        let thread = Thread { [self] in
            while let data = try? handle.read(upToCount: 1 << 16), !data.isEmpty {
                kept.withLock { bytes in bytes += data.prefix(max(0, Self.limit - bytes.count)) }
            }
            ended.signal()
        }
        thread.name = "worker stderr"
        thread.start()
    }

    /// What was read, once the pipe ended or `timeout` passed (a process the
    /// worker started may hold the pipe open after the worker exited).
    func text(waitingAtMost timeout: DispatchTimeInterval) -> String {
        _ = ended.wait(timeout: .now() + timeout)
        let bytes = kept.withLock { $0 }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
