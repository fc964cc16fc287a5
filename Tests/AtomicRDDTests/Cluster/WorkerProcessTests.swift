import AtomicTransport
import Foundation
import Testing
@testable import AtomicRDD

/// A worker process that exits is reported with its status and what it wrote
/// on standard error, read by a thread of its own.
@Suite struct WorkerProcessTests {
    @Test func an_exited_process_is_reported_with_its_status_and_standard_error() async throws {
        // /bin/sh takes the worker's flags for options it does not know, says
        // so on standard error and exits with status 2.
        let (stream, continuation) = AsyncStream.makeStream(of: (Int32, String).self)
        let worker = try WorkerProcess.launch(executable: "/bin/sh", driver: Endpoint(host: "127.0.0.1", port: 1), cores: 1,
                                              memory: 1 << 20, secretFile: nil) { status, text in
            continuation.yield((status, text))
            continuation.finish()
        }
        var reports: [(Int32, String)] = []
        for await report in stream { reports.append(report) }
        #expect(reports.count == 1)
        #expect(reports.first?.0 == 2)
        #expect(reports.first?.1.contains("option") == true, "\(reports)")  // dash: "Illegal option", bash: "invalid option"
        await worker.stop()
    }

    @Test func aWorkerStartsWithTheWorkerAllocatorSettings() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Stands in for the worker: says what it was started with, and exits.
        let variables = ProcessAllocator.workerSettings.map(\.variable)
        let echo = variables.map { "\($0)=${\($0)-unset}" }.joined(separator: " ")
        let script = try folder.write("worker.sh", "#!/bin/sh\necho \"\(echo)\" >&2\nexit 7\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let (stream, continuation) = AsyncStream.makeStream(of: (Int32, String).self)
        let worker = try WorkerProcess.launch(executable: script, driver: Endpoint(host: "127.0.0.1", port: 1), cores: 1,
                                              memory: 1 << 20, secretFile: nil) { status, text in
            continuation.yield((status, text))
            continuation.finish()
        }
        var reports: [(Int32, String)] = []
        for await report in stream { reports.append(report) }
        await worker.stop()
        #expect(reports.first?.0 == 7)
        // Each setting, unless this process's environment sets it (which then wins).
        let environment = ProcessInfo.processInfo.environment
        let expected = ProcessAllocator.workerSettings.map { "\($0.variable)=\(environment[$0.variable] ?? String($0.value))" }
        #expect(reports.first?.1.trimmingCharacters(in: .whitespacesAndNewlines) == expected.joined(separator: " "), "\(reports)")
        #expect(expected.contains("MALLOC_ARENA_MAX=\(environment["MALLOC_ARENA_MAX"] ?? "1")"))
    }

    @Test func aWorkerIsGivenTheWarmReserveOnlyWhenOneIsSet() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Stands in for the worker: says what flags it was started with, and exits.
        let script = try folder.write("worker.sh", "#!/bin/sh\necho \"$@\" >&2\nexit 3\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        func flags(warmReserve: Int?) async throws -> String {
            let (stream, continuation) = AsyncStream.makeStream(of: String.self)
            let worker = try WorkerProcess.launch(executable: script, driver: Endpoint(host: "127.0.0.1", port: 1), cores: 1,
                                                  memory: 8 << 20, warmReserve: warmReserve, secretFile: nil) { _, text in
                continuation.yield(text)
                continuation.finish()
            }
            var texts: [String] = []
            for await text in stream { texts.append(text) }
            await worker.stop()
            return texts.joined()
        }
        let given = try await flags(warmReserve: 4 << 20)
        #expect(given.contains("--memory 8388608b"), "\(given)")
        #expect(given.contains("--warm-reserve 4194304b"), "\(given)")
        #expect(try await flags(warmReserve: 0).contains("--warm-reserve 0b"))
        let unset = try await flags(warmReserve: nil)
        #expect(unset.contains("--memory 8388608b"), "\(unset)")
        #expect(!unset.contains("--warm-reserve"), "\(unset)")
    }

    @Test func anEnvironmentThatSetsAnAllocatorVariableKeepsIt() {
        let environment = ProcessAllocator.workerEnvironment(["MALLOC_ARENA_MAX": "4", "PATH": "/bin"])
        #expect(environment["MALLOC_ARENA_MAX"] == "4")
        #expect(environment["PATH"] == "/bin")
        #expect(environment["MALLOC_MMAP_THRESHOLD_"] == String(32 << 20))
        #expect(environment["MALLOC_TRIM_THRESHOLD_"] == String(256 << 20))
    }
}
