import AtomicTransport

extension RDD {
    /// Pipes each partition through an external command: every element is
    /// written to the command's standard input as one line (as
    /// `String(describing:)` renders it), and every line the command writes to
    /// standard output becomes an element of the result.
    ///
    /// One process runs per partition, started when the task first reads the
    /// partition. `command` is a path, or a name looked up in `PATH`; it gets
    /// this process's environment plus `environment`. Lines end at `\n`, which is
    /// dropped; a last line without one is kept. Input is written by a separate
    /// thread while output is read, so a command may read and write in any
    /// order without deadlock.
    ///
    /// ```swift
    /// let upper = try await words.pipe(command: "tr", arguments: ["a-z", "A-Z"]).collect()
    /// ```
    ///
    /// A command that exits with a non-zero status (or cannot be started:
    /// status 127) fails its task with
    /// ``EngineError/commandFailed(command:status:stderrTail:)``, carrying the
    /// status (128 + n when killed by signal n) and the last KiB of its
    /// standard error. A task that ends before reading all of the output, or
    /// whose job is cancelled, stops the command with SIGTERM.
    public func pipe(command: String, arguments: [String] = [], environment: [String: String] = [:]) -> RDD<String> {
        let recorded = WireWriter.bytes { $0.write(command); $0.write(arguments); $0.write(environment) }
        return context.recording("pipe", arguments: recorded, parents: [self]) {
            PipedRDD(parent: self, command: command, arguments: arguments, environment: environment)
        }
    }
}
