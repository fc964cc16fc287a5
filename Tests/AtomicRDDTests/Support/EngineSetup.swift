import AtomicClusterTesting
import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

/// A placement of the engine that the API suites run on. Every engine test takes
/// an `EngineSetup` argument, so one suite runs unchanged on each placement.
struct EngineSetup: Sendable, CustomTestStringConvertible {
    enum Placement: Sendable {
        /// Local mode with this many task slots.
        case local(cores: Int)
        /// Worker nodes in the test's process, joined to the driver over
        /// loopback TCP, each with one task slot and its own executor; tasks
        /// are handed to them by reference, so closures run there too.
        case inProcessCluster(workers: Int)
        /// Worker processes of the `atomic` executable, one task slot each:
        /// jobs travel as their lineage's plan, so only registered functions
        /// and shipped operators run there.
        case workerProcesses(workers: Int)
    }

    let name: String
    let placement: Placement

    /// Local mode with one task slot and with two, and an in-process cluster of three worker nodes.
    static let all: [EngineSetup] = [
        EngineSetup(name: "local[1]", placement: .local(cores: 1)),
        EngineSetup(name: "local[2]", placement: .local(cores: 2)),
        EngineSetup(name: "in-process cluster of 3", placement: .inProcessCluster(workers: 3)),
    ]

    /// ``all``, and two worker processes: for the tests whose jobs use only
    /// registered functions and operators that ship to worker processes.
    static let shippable: [EngineSetup] = all + workerProcesses

    /// Worker processes only: for tests of what only a job on them does (fail at submission, say).
    static let workerProcesses: [EngineSetup] = [
        EngineSetup(name: "2 worker processes", placement: .workerProcesses(workers: 2)),
    ]

    var testDescription: String { name }

    /// The configuration of this placement, with a memory budget per executor.
    func config(memory: Int = 256 << 20) throws -> Config {
        switch placement {
        case .local(let cores):
            Config.local(cores: cores, memory: memory, appName: "test")
        case .inProcessCluster(let workers):
            Config.inProcessCluster(workers: workers, memoryPerWorker: memory, appName: "test")
        case .workerProcesses(let workers):
            Config.localCluster(workers: workers, coresPerWorker: 1, memoryPerWorker: memory, appName: "test")
                .registering(ClusterFunctions.registry).workerExecutable(try SiblingExecutable.path("atomic"))
        }
    }

    /// Runs `body` with a fresh Context, then checks that nothing leaked: no job,
    /// stage or task in flight, and every byte of the memory budgets returned at stop.
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
        #expect(sc.cluster?.pendingHandoffs ?? 0 == 0, "tasks handed to workers and never taken back")
        let executors = sc.executorEnvironments
        await sc.stop()
        #expect(sc.memoryUsed == 0, "memory budget not returned: \(sc.memoryUsed) bytes")
        #expect(executors.allSatisfy { $0.memory.usedBytes == 0 }, "an executor kept memory after stop")
    }
}

// What the executors running a Context's tasks hold, added up over all of
// them: in-process executors and worker processes alike (asked over the network).
extension Context {
    /// Blocks evicted from memory on every executor.
    func evictions() async -> Int { await executorFigures().evictions }
    /// The blocks held in memory, on every executor.
    func memoryBlocks() async -> Set<BlockId> { Set(await executorFigures().memoryBlocks) }
    /// The blocks held on disk, on every executor.
    func diskBlocks() async -> Set<BlockId> { Set(await executorFigures().diskBlocks) }
    /// Bytes of the executors' memory budgets in use.
    func executorMemoryUsed() async -> Int { await executorFigures().memoryUsed }
    /// Names of the files in the executors' scratch folders.
    func executorScratchFiles() async -> [String] { await executorFigures().scratchFiles }
    /// Broadcast values the executors have materialized.
    func executorBroadcastMaterializations() async -> Int { await executorFigures().broadcastMaterializations }
    /// Map outputs kept in memory that executors moved to disk to make room.
    func movedOutputs() async -> Int { await executorFigures().movedOutputs }
    /// The shuffles whose outputs some executor holds.
    func shuffleIdsOnExecutors() async -> Set<Int> { Set(await executorFigures().shuffleIds) }
}
