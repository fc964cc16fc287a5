import AtomicActors
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

    /// Starts `executable --worker --driver … --cores … --memory … --exit-with-parent`.
    /// `exited` gets the exit status and the start of standard error.
    static func launch(executable: String?, driver: Endpoint, cores: Int, memory: Int, secretFile: String?,
                       exited: @escaping @Sendable (Int32, String) -> Void) throws -> WorkerProcess {
        let process = Process()
        let path = executable ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        process.executableURL = URL(fileURLWithPath: path)
        var arguments = ["--worker", "--driver", "\(driver)", "--cores", "\(cores)", "--memory", "\(max(1, memory))b",
                         "--exit-with-parent"]
        if let secretFile { arguments += ["--secret-file", secretFile] }
        process.arguments = arguments
        let stdin = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        // ATOMIC_WORKER_STDERR=inherit shows workers' logs and crashes on the driver's standard error.
        let inherit = ProcessInfo.processInfo.environment["ATOMIC_WORKER_STDERR"] == "inherit"
        process.standardError = inherit ? FileHandle.standardError : stderr
        let tail = Mutex<[UInt8]>([])
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            // The first lines say why a worker crashed; a backtrace follows.
            tail.withLock { bytes in bytes += data.prefix(max(0, 2048 - bytes.count)) }
        }
        process.terminationHandler = { process in
            stderr.fileHandleForReading.readabilityHandler = nil
            let rest = stderr.fileHandleForReading.readDataToEndOfFile()
            let text = tail.withLock { String(decoding: ($0 + rest).prefix(2048), as: UTF8.self) }
            exited(process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
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
