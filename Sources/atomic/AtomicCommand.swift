import AtomicTransport
import Foundation

/// The `atomic` command line: subcommands for the examples.
enum AtomicCommand {
    static let usage = """
        usage: atomic [demo] [--frames N] [--payload BYTES]
          demo     two nodes on loopback: handshake with a cluster secret, echo N frames (default)
          node     --seed HOST:PORT [--listen HOST:PORT] [--secret-file PATH] [--exit-with-parent]: a cluster node joining a seed
        """

    static func run(_ arguments: [String]) async -> Int32 {
        var rest = arguments
        let command = rest.first.map { $0.hasPrefix("-") ? "demo" : rest.removeFirst() } ?? "demo"
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
}
