import AtomicActors
import Foundation

/// `atomic node --seed HOST:PORT [--listen HOST:PORT] [--secret-file PATH] [--listener-spares N] [--exit-with-parent]`:
/// a bare cluster node that joins the seed and serves its per-node services (the
/// probe) until killed, or, with `--exit-with-parent`, until its parent process dies
/// (its standard input, the parent's pipe, reaches end of file).
enum NodeCommand {
    static func run(_ arguments: [String]) async -> Int32 {
        var seed: Endpoint?
        var listen = Endpoint(host: "127.0.0.1", port: 0)
        var settings = ClusterSettings()
        var exitWithParent = false
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            if flag == "--exit-with-parent" {
                exitWithParent = true
                index += 1
                continue
            }
            guard index + 1 < arguments.count else { return fail("'\(flag)' needs a value") }
            let value = arguments[index + 1]
            switch flag {
            case "--seed":
                guard let endpoint = Endpoint(parsing: value) else { return fail("'\(value)' is not HOST:PORT") }
                seed = endpoint
            case "--listen":
                guard let endpoint = Endpoint(parsing: value) else { return fail("'\(value)' is not HOST:PORT") }
                listen = endpoint
            case "--secret-file":
                do { settings.transport.secret = try ClusterSecret(contentsOfFile: value) } catch { return fail("\(error)") }
            case "--listener-spares":
                guard let count = Int(value), count >= 0 else { return fail("'\(value)' is not a number of descriptors") }
                settings.transport.listenerSpareDescriptors = count
            default:
                return fail("unknown flag '\(flag)'")
            }
            index += 2
        }
        if exitWithParent { ProcessLifetime.exitWhenStandardInputCloses() }
        do {
            let system = try await ClusterSystem.start(transport: try TCPTransport(configuration: settings.transport),
                                                       listenOn: listen, seed: seed, settings: settings)
            // The first line tells a launcher who this node is.
            FileHandle.standardOutput.write(Data("node \(system.identity.endpoint) \(system.identity.incarnation)\n".utf8))
            for await _ in system.membershipEvents() {}
            return 0
        } catch {
            return fail("\(error)")
        }
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("atomic node: \(message)\n".utf8))
        return 2
    }
}

