import Foundation

/// Runs one benchmark in a fresh copy of this executable (`atomic-bench NAME
/// --child`), so that its peak RSS and its start-up time belong to it alone.
///
/// The child prints its human lines and one JSON line per result; the parent
/// echoes the human lines and decodes the results.
enum ChildProcess {
    /// The flag that makes this executable run the named benchmarks in-process.
    static let flag = "--child"

    struct Failed: Error, CustomStringConvertible {
        var name: String
        var status: Int32
        var description: String { "child process for \(name) exited with status \(status)" }
    }

    /// Runs `name` in a child process and returns its results.
    static func run(_ name: String, quick: Bool) throws -> [BenchmarkResult] {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [name, flag] + (quick ? ["--quick"] : [])
        let output = Pipe()
        process.standardOutput = output
        var environment = ProcessInfo.processInfo.environment
        environment[ProcessStats.launchVariable] = String(ProcessInfo.processInfo.systemUptime)
        process.environment = environment
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var results: [BenchmarkResult] = []
        let decoder = JSONDecoder()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("{"), let result = try? decoder.decode(BenchmarkResult.self, from: Data(line.utf8)) {
                results.append(result)
            } else if !line.isEmpty {
                print(line)
            }
        }
        guard process.terminationStatus == 0 else { throw Failed(name: name, status: process.terminationStatus) }
        return results
    }
}
