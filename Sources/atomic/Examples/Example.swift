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
        "usage: atomic \(name)\(synopsis.isEmpty ? "" : " " + synopsis) [--cores N] [--memory MB]"
    }

    /// Every flag `atomic NAME` accepts: its own and the Context's.
    static var allFlags: [IntegerFlag] { flags + [.cores, .memory] }

    /// Parses the command line of this example.
    ///
    /// - Throws: ``UsageError``.
    static func parse(_ arguments: [String]) throws(UsageError) -> ExampleArguments {
        try ExampleArguments(arguments, flags: allFlags, maxPositional: maxPositional)
    }

    /// The local-mode configuration the flags ask for: every core and 1 GiB by default.
    static func config(_ arguments: ExampleArguments) -> Config {
        let memory = arguments.value(of: .memory).map { $0 << 20 } ?? Config.local().executorMemory
        return Config.local(cores: arguments.value(of: .cores), memory: memory, appName: "atomic-\(name)")
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
        do {
            arguments = try parse(commandLine)
        } catch {
            FileHandle.standardError.write(Data("atomic \(name): \(error)\n\(usage)\n".utf8))
            return 2
        }
        let sc: Context
        do {
            sc = try await Context(config: config(arguments))
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
