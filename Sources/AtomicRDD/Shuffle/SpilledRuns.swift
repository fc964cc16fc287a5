import Foundation

/// The spilled runs of one reduce-side buffer (``ExternalMap``):
/// the buffer's memory held against the executor's budget, and the run files
/// written when the budget refuses more. Memory is released and files are
/// deleted when the task ends, whatever its outcome.
struct SpilledRuns<Record> {
    let codec: RecordCodec<Record>
    private let memory: MemoryTracker
    private let scratch: ScratchSpace
    private let task: TaskContext
    private let prefix: String
    private(set) var segments: [RunSegment] = []

    /// Runs of a buffer that spends `overheadPerEntry` bytes per record beyond
    /// the record itself (see ``MemoryTracker``).
    init(codec: RecordCodec<Record>, budget: MemoryBudget, scratch: ScratchSpace, task: TaskContext, prefix: String,
         overheadPerEntry: Int) {
        self.codec = codec
        self.memory = MemoryTracker(budget: budget, overheadPerEntry: overheadPerEntry, evictsKeptOutputs: true)
        self.scratch = scratch
        self.task = task
        self.prefix = prefix
        let memory = self.memory
        task.onCompletion { memory.releaseAll() }
    }

    /// True when no run was written.
    var isEmpty: Bool { segments.isEmpty }

    /// True when a buffer of `entries` like `sample` fits the memory held or granted.
    func fits(entries: Int, sample: Record) -> Bool {
        memory.fits(entries: entries, sample: sample, codec: codec)
    }

    /// Writes `records` (in the order a later merge expects) as one run, and
    /// gives the buffer's memory back.
    mutating func spill<S: Sequence>(_ records: S) throws where S.Element == Record {
        let path = scratch.newFile("\(prefix)-\(task.stageId)-\(task.partition)")
        task.onCompletion { try? FileManager.default.removeItem(atPath: path) }
        var writer = try RunFileWriter(path: path, codec: codec)
        for record in records { try writer.append(record) }
        segments.append(RunSegment(path: path, range: try writer.endSegment()))
        try writer.close()
        task.metrics.spilledBytes += writer.written
        task.metrics.spillCount += 1
        memory.releaseAll()
    }

    /// A reader of each run, in the order they were written.
    func readers() throws -> [Records<Record>] {
        try segments.map { try RunFileReader.records($0, codec: codec) }
    }
}
