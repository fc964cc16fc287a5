extension Config {
    /// Takes the mode flags any application accepts out of `arguments` and
    /// returns this configuration in that mode, so the mode is configuration,
    /// never code:
    ///
    /// - `--local`: this process (the default);
    /// - `--local-cluster N`: N worker processes of this executable on loopback,
    ///   each with this configuration's cores divided among them (at least one) and its memory;
    /// - `--workers HOST:PORT,…`: workers started by hand (`--worker --driver …`)
    ///   on those addresses; the driver listens on `--driver-listen HOST:PORT`
    ///   (default 0.0.0.0:7077) and waits for every one of them;
    /// - `--secret-file PATH`: the cluster secret shared with the workers.
    ///
    /// ```swift
    /// var arguments = Array(CommandLine.arguments.dropFirst())
    /// let sc = try await Context(config: try Config.local().withModeFlags(&arguments))
    /// ```
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` for a flag
    ///   without its value or with a bad one; `arguments` is then unchanged.
    public func withModeFlags(_ arguments: inout [String]) throws(EngineError) -> Config {
        var config = self
        var rest: [String] = []
        var workers: [String]?
        var listen = "0.0.0.0:7077"
        var index = 0
        func value(_ flag: String) throws(EngineError) -> String {
            // A flag is not a value: `--secret-file --local` lacks the file, it does not name one.
            guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                throw .invalidArgument(operation: flag, reason: "needs a value")
            }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--local":
                config.deployment = .local
            case "--local-cluster":
                let text = try value(flag)
                guard let count = Int(text), count > 0, count <= 256 else {
                    throw .invalidArgument(operation: flag, reason: "'\(text)' is not a worker count from 1 to 256")
                }
                let coresEach = max(1, cores / count)
                config.deployment = .localCluster(workers: count, coresPerWorker: coresEach, memoryPerWorker: executorMemory)
                config.cores = count * coresEach
                config.defaultParallelism = config.cores
            case "--workers":
                let list = try value(flag).split(separator: ",").map(String.init)
                guard !list.isEmpty, list.allSatisfy({ Endpoint(parsing: $0) != nil }) else {
                    throw .invalidArgument(operation: flag, reason: "expected HOST:PORT,HOST:PORT,…")
                }
                workers = list
            case "--driver-listen":
                listen = try value(flag)
                guard Endpoint(parsing: listen) != nil else { throw .invalidArgument(operation: flag, reason: "'\(listen)' is not HOST:PORT") }
            case "--secret-file":
                config.secretFile = try value(flag)
            default:
                rest.append(flag)
            }
            index += 1
        }
        if let workers {
            config.deployment = .cluster(listen: listen, workers: workers.count)
            config.expectedWorkers = workers
        }
        arguments = rest
        return config
    }
}
