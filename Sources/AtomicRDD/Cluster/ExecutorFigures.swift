import AtomicTransport
import Foundation

/// What one executor holds and has done, as the driver asks each worker for it
/// (``WorkerService/executorFigures()``) or reads its own: for diagnostics and
/// for tests that look inside executors on every placement. Figures of several
/// executors add up with ``add(_:)``.
struct ExecutorFigures: Sendable, WireCodable {
    /// Spills to disk made by the tasks that ended there.
    var spills = 0
    /// Bytes of the memory budget in use.
    var memoryUsed = 0
    /// Broadcast values materialized there.
    var broadcastMaterializations = 0
    /// Cached blocks evicted from memory (dropped, or moved to disk).
    var evictions = 0
    /// Map outputs kept in memory that were moved to disk to make room.
    var movedOutputs = 0
    /// Cached blocks held in memory.
    var memoryBlocks: [BlockId] = []
    /// Cached blocks held on disk.
    var diskBlocks: [BlockId] = []
    /// Shuffles whose map outputs are held there.
    var shuffleIds: [Int] = []
    /// Names of the files in the executor's scratch folder.
    var scratchFiles: [String] = []

    init() {}

    /// The figures of `environment`.
    init(of environment: ExecutorEnvironment) async {
        let store = environment.blockManager.store
        spills = environment.spillCount.load(ordering: .relaxed)
        memoryUsed = environment.memory.usedBytes
        broadcastMaterializations = environment.broadcasts.materializationCount
        evictions = store.evictionCount
        movedOutputs = environment.shuffleManager.store.evictionCount
        memoryBlocks = store.memoryBlocks.sorted(by: BlockId.precedes)
        diskBlocks = store.diskBlocks.sorted(by: BlockId.precedes)
        shuffleIds = await environment.shuffleManager.shuffleIds().sorted()
        scratchFiles = ((try? FileManager.default.contentsOfDirectory(atPath: environment.scratch.path)) ?? []).sorted()
    }

    /// Cached blocks held, in memory or on disk.
    var blockCount: Int { Set(memoryBlocks).union(diskBlocks).count }

    /// Adds another executor's figures to these.
    mutating func add(_ other: ExecutorFigures) {
        spills += other.spills
        memoryUsed += other.memoryUsed
        broadcastMaterializations += other.broadcastMaterializations
        evictions += other.evictions
        movedOutputs += other.movedOutputs
        memoryBlocks += other.memoryBlocks
        diskBlocks += other.diskBlocks
        shuffleIds += other.shuffleIds
        scratchFiles += other.scratchFiles
    }

    func encode(to writer: inout WireWriter) {
        for value in [spills, memoryUsed, broadcastMaterializations, evictions, movedOutputs] { writer.write(value) }
        writer.write(memoryBlocks)
        writer.write(diskBlocks)
        writer.write(shuffleIds)
        writer.write(scratchFiles)
    }

    init(from reader: inout WireReader) throws(WireError) {
        spills = try reader.read()
        memoryUsed = try reader.read()
        broadcastMaterializations = try reader.read()
        evictions = try reader.read()
        movedOutputs = try reader.read()
        memoryBlocks = try reader.read()
        diskBlocks = try reader.read()
        shuffleIds = try reader.read()
        scratchFiles = try reader.read()
    }
}

extension BlockId: WireCodable {
    /// Writes the RDD id, then the partition.
    func encode(to writer: inout WireWriter) {
        writer.write(rddId)
        writer.write(partition)
    }

    init(from reader: inout WireReader) throws(WireError) {
        rddId = try reader.read()
        partition = try reader.read()
    }

    /// Orders blocks by RDD, then partition.
    static func precedes(_ a: BlockId, _ b: BlockId) -> Bool { (a.rddId, a.partition) < (b.rddId, b.partition) }
}

extension Context {
    /// The figures of every executor running this Context's tasks, added up:
    /// the driver's own in local mode, every worker's on a cluster (asked over
    /// the network from worker processes).
    func executorFigures() async -> ExecutorFigures {
        guard let cluster else { return await ExecutorFigures(of: environment) }
        return await cluster.backend.executorFigures()
    }
}
