import Testing
@testable import AtomicRDD

/// A placement of the engine that the API suites run on. Every engine test takes
/// an `EngineSetup` argument, so one suite runs unchanged on each placement;
/// the cluster placements join `all` when the cluster exists.
struct EngineSetup: Sendable, CustomTestStringConvertible {
    let name: String
    let cores: Int

    /// Local mode with one task slot, and with two.
    static let all: [EngineSetup] = [
        EngineSetup(name: "local[1]", cores: 1),
        EngineSetup(name: "local[2]", cores: 2),
    ]

    var testDescription: String { name }

    /// The configuration of this placement, with a memory budget.
    func config(memory: Int = 256 << 20) -> Config {
        Config.local(cores: cores, memory: memory, appName: "test")
    }

    /// Runs `body` with a fresh Context, then checks that nothing leaked: no job,
    /// stage or task in flight, and every byte of the memory budget returned at stop.
    func run(memory: Int = 256 << 20, maxTaskFailures: Int = 4,
             _ body: (Context) async throws -> Void) async throws {
        let sc = try await Context(config: config(memory: memory).maxTaskFailures(maxTaskFailures))
        do {
            try await body(sc)
        } catch {
            await sc.waitForRunningTasks()
            await sc.stop()
            throw error
        }
        await sc.waitForRunningTasks()
        let inFlight = await sc.dagScheduler.inFlight
        #expect(await sc.isIdle(), "scheduler state leaked: \(inFlight)")
        await sc.stop()
        #expect(sc.memoryUsed == 0, "memory budget not returned: \(sc.memoryUsed) bytes")
    }
}
