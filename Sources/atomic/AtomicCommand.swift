import Foundation

/// The `atomic` command line: the example jobs, the transport demo and a bare
/// cluster node, one subcommand each. With no subcommand (or only flags) it
/// runs word count.
enum AtomicCommand {
    /// The examples, in the order the usage lists them; the first is the default.
    static let examples = [
        ExampleCommand(WordCountExample.self), ExampleCommand(PiExample.self), ExampleCommand(SortExample.self),
        ExampleCommand(GroupByExample.self), ExampleCommand(JoinExample.self), ExampleCommand(CachingExample.self),
    ]

    /// The commands that are not examples: name, arguments, what they do.
    static let otherCommands = [
        ("demo", "[--frames N] [--payload BYTES]",
         "two nodes on loopback: handshake with a cluster secret, echo N frames"),
        ("node", "--seed HOST:PORT [--listen HOST:PORT] [--secret-file PATH] [--listener-spares N] [--exit-with-parent]",
         "a cluster node joining a seed"),
    ]

    static var usage: String {
        let entries = examples.map { ($0.name, $0.synopsis, $0.summary) }
        let width = (entries + otherCommands).map { $0.0.count }.max() ?? 0
        func lines(_ entries: [(String, String, String)]) -> String {
            entries.map { name, synopsis, summary in
                "  \(name)\(String(repeating: " ", count: width - name.count))  \(synopsis)\n"
                    + "  \(String(repeating: " ", count: width))    \(summary)"
            }.joined(separator: "\n")
        }
        return """
            usage: atomic [COMMAND] [FLAGS]      (no COMMAND: wordcount)
            examples, in local mode; each also takes --cores N (default: every core) and --memory MB (default: 1024):
            \(lines(entries))
            other commands:
            \(lines(otherCommands))
            `atomic COMMAND --help` shows one command's usage.
            """
    }

    /// Runs the command line (without the program name) and returns the exit
    /// status: 0, 1 when the job failed, 2 for a usage error.
    static func run(_ arguments: [String]) async -> Int32 {
        var rest = arguments
        let command = rest.first.map { $0.hasPrefix("-") && !isHelp($0) ? WordCountExample.name : rest.removeFirst() }
            ?? WordCountExample.name
        if let example = examples.first(where: { $0.name == command }) {
            return await example.main(rest)
        }
        switch command {
        case "demo":
            return await TransportDemo.run(rest)
        case "node":
            return await NodeCommand.run(rest)
        case "help", "--help", "-h":
            print(usage)
            return 0
        default:
            FileHandle.standardError.write(Data("atomic: unknown command '\(command)'\n\(usage)\n".utf8))
            return 2
        }
    }

    private static func isHelp(_ word: String) -> Bool { word == "--help" || word == "-h" }
}
