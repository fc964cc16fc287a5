import AtomicRDD
import Foundation
import Testing

/// The local-mode placements the examples are tested on: one task slot and two.
struct LocalSetup: Sendable, CustomTestStringConvertible {
    let cores: Int

    static let all = [LocalSetup(cores: 1), LocalSetup(cores: 2)]

    var testDescription: String { "local[\(cores)]" }

    /// Runs `body` with a fresh local Context and stops it after, checking that
    /// no job or task is left in flight.
    func run(_ body: (Context) async throws -> Void) async throws {
        let sc = try await Context(config: .local(cores: cores, memory: 128 << 20, appName: "examples-test"))
        do {
            try await body(sc)
        } catch {
            await sc.waitForRunningTasks()
            await sc.stop()
            throw error
        }
        await sc.waitForRunningTasks()
        #expect(await sc.isIdle())
        await sc.stop()
    }
}

/// A fresh folder under the temporary folder; remove it with `defer { folder.remove() }`.
struct TemporaryFolder: Sendable {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("atomic-examples-test-\(UInt64.random(in: 0...UInt64.max))").path

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    /// Removes the folder and everything in it.
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}
