import AtomicRDD
import Foundation

/// An example job run by `atomic NAME [FLAGS]` in local mode.
///
/// Each example keeps its logic in a function that takes a ``Context`` and
/// returns a result (what the tests check), apart from ``run(_:_:)``, which
/// prints. Every example accepts `--cores N` and `--memory MB` besides its own
/// ``flags``.
protocol Example: SendableMetatype {
    /// The subcommand: `wordcount`.
    static var name: String { get }
    /// The arguments after the name in the usage line: `[PATH] [--top K]`.
    static var synopsis: String { get }
    /// One line saying what the example shows.
    static var summary: String { get }
    /// The example's own integer flags.
    static var flags: [IntegerFlag] { get }
    /// How many words that are not flags it accepts (such as a path).
    static var maxPositional: Int { get }
    /// Runs the example on `sc` and prints what it found.
    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws
}

extension Example {
    static var maxPositional: Int { 0 }

    /// The usage line: `atomic wordcount [PATH] [--top K] [--cores N] [--memory MB]`.
    static var usage: String {
        "usage: atomic \(name)\(synopsis.isEmpty ? "" : " " + synopsis) [--cores N] [--memory MB] "
            + "[--local | --local-cluster N | --workers HOST:PORT,... [--driver-listen HOST:PORT]] [--secret-file PATH]"
    }

    /// Every flag `atomic NAME` accepts: its own and the Context's.
    static var allFlags: [IntegerFlag] { flags + [.cores, .memory] }

    /// Parses the command line of this example.
    ///
    /// - Throws: ``UsageError``.
    static func parse(_ arguments: [String]) throws(UsageError) -> ExampleArguments {
        try ExampleArguments(arguments, flags: allFlags, maxPositional: maxPositional)
    }

    /// The configuration the flags ask for: local mode on every core with 1 GiB by
    /// default; with mode flags (see `Config.withModeFlags`), a cluster whose
    /// workers each get `--memory` and share `--cores` (one each by default).
    static func config(_ arguments: ExampleArguments, modeFlags: [String] = []) throws -> Config {
        let memory = arguments.value(of: .memory).map { $0 << 20 } ?? Config.local().executorMemory
        let local = Config.local(cores: arguments.value(of: .cores), memory: memory, appName: "atomic-\(name)")
            .registering(ClusterFunctions.registry)
        guard !modeFlags.isEmpty else { return local }
        var flags = modeFlags
        var base = local
        // Without --cores, a local cluster gets one core per worker.
        if arguments.value(of: .cores) == nil, let i = flags.firstIndex(of: "--local-cluster"), i + 1 < flags.count,
           let workers = Int(flags[i + 1]), workers > 0 {
            base = Config.local(cores: workers, memory: memory, appName: local.appName).registering(ClusterFunctions.registry)
        }
        return try base.withModeFlags(&flags)
    }

    /// The mode flags (and their values) in a command line, and the rest.
    static func splitModeFlags(_ commandLine: [String]) -> (mode: [String], rest: [String]) {
        let withValue: Set = ["--local-cluster", "--workers", "--driver-listen", "--secret-file"]
        var mode: [String] = [], rest: [String] = []
        var index = 0
        while index < commandLine.count {
            let word = commandLine[index]
            if word == "--local" {
                mode.append(word)
            } else if withValue.contains(word) {
                mode.append(word)
                if index + 1 < commandLine.count { mode.append(commandLine[index + 1]) }
                index += 1
            } else {
                rest.append(word)
            }
            index += 1
        }
        return (mode, rest)
    }

    /// Parses the command line, starts a local-mode Context, runs the example
    /// and stops the Context. Returns the exit status: 0 (also after `--help`), 1 when the job failed,
    /// 2 for a usage error (printed with the usage line).
    static func main(_ commandLine: [String]) async -> Int32 {
        if commandLine.contains(where: { $0 == "--help" || $0 == "-h" }) {
            print("\(summary)\n\(usage)")
            return 0
        }
        let arguments: ExampleArguments
        let configuration: Config
        do {
            let (mode, rest) = splitModeFlags(commandLine)
            arguments = try parse(rest)
            configuration = try config(arguments, modeFlags: mode)
        } catch {
            FileHandle.standardError.write(Data("atomic \(name): \(error)\n\(usage)\n".utf8))
            return 2
        }
        let sc: Context
        do {
            sc = try await Context(config: configuration)
        } catch {
            FileHandle.standardError.write(Data("atomic \(name): cannot start the engine: \(error)\n".utf8))
            return 1
        }
        do {
            try await run(sc, arguments)
            await sc.stop()
            return 0
        } catch {
            await sc.stop()
            FileHandle.standardError.write(Data("atomic \(name) failed: \(error)\n".utf8))
            return 1
        }
    }
}

/// An example as the command line lists and runs it.
struct ExampleCommand: Sendable {
    /// The subcommand.
    let name: String
    /// The arguments after the name in the usage line.
    let synopsis: String
    /// One line saying what the example shows.
    let summary: String
    /// Runs the example's command line and returns the exit status.
    let main: @Sendable ([String]) async -> Int32

    /// The command of `example`.
    init<E: Example>(_ example: E.Type) {
        name = E.name
        synopsis = E.synopsis
        summary = E.summary
        main = { await E.main($0) }
    }
}
