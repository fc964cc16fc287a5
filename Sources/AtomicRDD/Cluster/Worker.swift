import AtomicActors
import AtomicTransport
import Foundation

/// Worker mode: any application's own binary, started with `--worker`, becomes a
/// worker of a driver instead of running the application.
///
/// ```swift
/// // First thing in main.swift:
/// if let status = await Worker.main(CommandLine.arguments.dropFirst(), registry: MyFunctions.registry) { exit(status) }
/// ```
///
/// Flags: `--driver HOST:PORT` (required), `--listen HOST:PORT` (default
/// 127.0.0.1:0), `--cores N`, `--memory SIZE` (MiB, or with a unit: `64k`,
/// `512m`, `2g`, `65536b`), `--secret-file PATH`,
/// `--exit-with-parent` (exit when standard input, the launcher's pipe, closes),
/// `--connect-timeout SECONDS` (default 30: a worker started before its driver
/// keeps trying to join it that long), `--warm-reserve SIZE` (heap touched at
/// start for the first tasks, see ``WarmReserve``; default the
/// smaller of 64 MiB and half of `--memory`, at most `--memory`, 0 for none).
/// The worker registers its cores and memory with the driver, heartbeats, and
/// exits when the driver is gone.
public enum Worker {
    /// Runs as a worker when `arguments` start with `--worker` (or `worker`) and
    /// returns the exit status (0 when the driver went away, 2 for bad flags,
    /// 3 when the driver refused or could not be reached); nil otherwise.
    public static func main(_ arguments: some Collection<String>, registry: FunctionRegistry,
                            specializations: OperatorSpecializations = .standard) async -> Int32? {
        guard let first = arguments.first, first == "--worker" || first == "worker" else { return nil }
        // Before any task allocates: fetched buckets then reuse the pages freed by earlier ones.
        ProcessAllocator.applyWorkerSettings()
        let options: Options
        do { options = try Options(parsing: Array(arguments.dropFirst())) } catch {
            FileHandle.standardError.write(Data("atomic worker: \(error)\n".utf8))
            return 2
        }
        if options.exitWithParent { ProcessLifetime.exitWhenStandardInputCloses() }
        // Touched while the worker joins its driver, and before it registers, so
        // that the touching costs start-up time and not its first tasks' time.
        // Pieces at or above the mmap threshold would be mappings, unmapped when freed.
        if ProcessAllocator.workerMmapThreshold > WarmReserve.pieceSize {
            WarmReserve.process.holdInBackground(bytes: options.warmReserveBytes)
        }
        do {
            try await run(options, registry: registry, specializations: specializations)
            return 0
        } catch {
            FileHandle.standardError.write(Data("atomic worker: \(error)\n".utf8))
            return 3
        }
    }

    /// A worker's flags.
    struct Options {
        /// The most task slots (`--cores`) a worker takes.
        static let maxCores = 4096

        var driver: Endpoint
        var listen = Endpoint(host: "127.0.0.1", port: 0)
        var cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var memoryBytes = 1 << 30
        var secretFile: String?
        var exitWithParent = false
        var connectTimeout = 30
        var warmReserve: Int?

        /// The heap to warm at start: `--warm-reserve`, or by default the smaller of 64 MiB and half the memory.
        var warmReserveBytes: Int { warmReserve ?? min(64 << 20, memoryBytes / 2) }

        init(parsing arguments: [String]) throws(EngineError) {
            var driver: Endpoint?
            var index = 0
            func value(_ flag: String) throws(EngineError) -> String {
                // A flag is not a value: `--secret-file --cores 2` lacks the file.
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                    throw .invalidArgument(operation: "worker", reason: "'\(flag)' needs a value")
                }
                index += 1
                return arguments[index]
            }
            func endpoint(_ flag: String) throws(EngineError) -> Endpoint {
                let text = try value(flag)
                guard let endpoint = Endpoint(parsing: text) else { throw .invalidArgument(operation: "worker", reason: "'\(text)' is not HOST:PORT") }
                return endpoint
            }
            func count(_ flag: String) throws(EngineError) -> Int {
                let text = try value(flag)
                guard let n = Int(text), n > 0 else { throw .invalidArgument(operation: "worker", reason: "\(flag) '\(text)' is not a positive integer") }
                return n
            }
            func size(_ flag: String, orZero: Bool = false) throws(EngineError) -> Int {
                let text = try value(flag).lowercased()
                let units: [Character: Int] = ["b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
                let unit = text.last.flatMap { units[$0] }
                let digits = unit == nil ? Substring(text) : text.dropLast()
                guard let n = Int(digits), n > 0 || (orZero && n == 0) else {
                    throw .invalidArgument(operation: "worker", reason: "\(flag) '\(text)' is not a size (MiB, or a number with b, k, m or g)")
                }
                let (bytes, overflow) = n.multipliedReportingOverflow(by: unit ?? 1 << 20)
                guard !overflow else { throw .invalidArgument(operation: "worker", reason: "\(flag) '\(text)' is too large") }
                return bytes
            }
            while index < arguments.count {
                let flag = arguments[index]
                switch flag {
                case "--driver": driver = try endpoint(flag)
                case "--listen": listen = try endpoint(flag)
                case "--cores":
                    // Each core is a task thread started up front: a bound keeps a typo from starting millions.
                    cores = try count(flag)
                    guard cores <= Self.maxCores else {
                        throw .invalidArgument(operation: "worker", reason: "--cores \(cores) is more than \(Self.maxCores)")
                    }
                case "--memory": memoryBytes = try size(flag)
                case "--secret-file": secretFile = try value(flag)
                case "--exit-with-parent": exitWithParent = true
                case "--connect-timeout": connectTimeout = try count(flag)
                case "--warm-reserve": warmReserve = try size(flag, orZero: true)
                default: throw .invalidArgument(operation: "worker", reason: "unknown flag '\(flag)'")
                }
                index += 1
            }
            guard let driver else { throw .invalidArgument(operation: "worker", reason: "--driver HOST:PORT is required") }
            if let warmReserve, warmReserve > memoryBytes {
                throw .invalidArgument(operation: "worker", reason: "--warm-reserve \(warmReserve) bytes is more than --memory \(memoryBytes) bytes")
            }
            self.driver = driver
        }
    }

    /// Joins the driver, retrying until `--connect-timeout` when it is not up yet.
    private static func join(_ options: Options, settings: ClusterSettings) async throws -> ClusterSystem {
        let deadline = ContinuousClock.now + .seconds(options.connectTimeout)
        while true {
            do {
                return try await ClusterSystem.start(transport: try TCPTransport(configuration: settings.transport),
                                                     listenOn: options.listen, seed: options.driver, settings: settings)
            } catch let error as TransportError {
                guard ContinuousClock.now < deadline, case .connectFailed = error else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    static func run(_ options: Options, registry: FunctionRegistry, specializations: OperatorSpecializations) async throws {
        var settings = ClusterSettings()
        if let secretFile = options.secretFile { settings.transport.secret = try ClusterSecret(contentsOfFile: secretFile) }
        let system = try await join(options, settings: settings)
        let events = system.membershipEvents()
        await WarmReserve.process.settled()
        let node = try await WorkerNode.register(system: system, driver: options.driver, cores: options.cores,
                                                 memory: options.memoryBytes, registry: registry,
                                                 specializations: specializations, processId: ProcessInfo.processInfo.processIdentifier)
        FileHandle.standardOutput.write(Data("worker \(system.identity) registered with \(options.driver)\n".utf8))
        for await event in events where event.node == node.driverNode {
            if case .up = event { continue }
            if case .reachable = event { continue }
            break
        }
        await node.stop()
    }
}
