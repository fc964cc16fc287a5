import Foundation

/// What a map task reports when it has written its output.
struct MapStatus: Sendable {
    /// The executor holding the output.
    var executorId: String
    /// Approximate bytes written for each reduce partition.
    var bytesPerReducer: [Int]
    /// Records written in all.
    var records: Int
}

/// One map task's output, as the shuffle manager keeps it.
struct MapOutput: Sendable {
    /// For each reducer: its records kept in memory, as `[(K, C)]`, if any.
    var memory: [(any Sendable)?]
    /// For each reducer: segments of spill files holding more of its records.
    var segments: [[RunSegment]]
    /// Budget bytes held by the in-memory buckets.
    var memoryBytes: Int
    /// Files written by the task.
    var files: [String]
    /// One reducer's bucket, encoded, for reducers on other nodes (set by the
    /// map task, where the record types are concrete).
    var encodeBucket: (@Sendable (Int) throws -> EncodedBucket)? = nil
    /// For each reducer: the budget bytes of its in-memory bucket (they add up
    /// to `memoryBytes`).
    var bucketBytes: [Int] = []
    /// Writes the in-memory buckets of the given reducers to a new file and
    /// returns the output as it then is, those buckets' bytes no longer held
    /// (set by the map task when it keeps memory).
    var moveToDisk: (@Sendable ([Int]) throws -> MapOutput)? = nil
}

/// A piece of a reducer's input.
enum ShuffleBlock: Sendable {
    /// Records in memory, as `[(K, C)]`.
    case memory(any Sendable)
    /// Records in a spill file.
    case disk(RunSegment)
    /// Records in their wire form (``RecordCodec/encodeAll(_:)``) in a range of
    /// bytes fetched from another node, decoded as they are read.
    case encoded([UInt8], Range<Int>)
}

/// Owns one executor's shuffle outputs and lives on that executor's node: map
/// tasks register what they wrote, reduce tasks fetch their buckets, and whole
/// shuffles are removed when no live RDD needs them or at `stop()`. The outputs
/// are held in a ``MapOutputStore``, which the memory budget may ask to move
/// outputs kept in memory to disk from inside a task's record loop.
actor ShuffleManager {
    /// The executor this shuffle manager belongs to.
    let executorId: String
    /// The outputs held.
    nonisolated let store: MapOutputStore

    init(executorId: String, budget: MemoryBudget) {
        self.executorId = executorId
        self.store = MapOutputStore(budget: budget)
    }

    /// Records a map task's output, replacing an earlier attempt's.
    func register(shuffleId: Int, mapIndex: Int, output: MapOutput) {
        store.register(shuffleId: shuffleId, mapIndex: mapIndex, output: output)
    }

    /// The blocks of reduce partition `reduce` from the given map tasks'
    /// outputs, for `task`: the buckets it is given in memory count as being
    /// read until it ends (see ``MapOutputStore/fetch(shuffleId:maps:reduce:)``).
    /// Synchronous, as the store is: no hop onto this actor.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a map output is missing.
    nonisolated func blocks<Maps: Collection<Int>>(shuffleId: Int, maps: Maps, reduce: Int,
                                                  readBy task: TaskContext) throws -> [ShuffleBlock] {
        let (blocks, reads) = try store.fetch(shuffleId: shuffleId, maps: maps, reduce: reduce)
        if !reads.outputs.isEmpty { task.onCompletion { [store] in store.doneReading(reads) } }
        return blocks
    }

    /// What encodes one map output's bucket for `reduce` (see ``ShuffleBucket``),
    /// for a reducer on another node. The caller runs it, outside this actor,
    /// so that serving buckets does not hold up the map tasks registering here.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when the output is not here.
    func bucketEncoder(shuffleId: Int, mapIndex: Int, reduce: Int) throws -> @Sendable () throws -> EncodedBucket {
        try store.bucketEncoder(shuffleId: shuffleId, mapIndex: mapIndex, reduce: reduce)
    }

    /// Deletes a shuffle's outputs: memory is released and files removed.
    func remove(shuffleId: Int) { store.remove(shuffleId: shuffleId) }

    /// Deletes every shuffle.
    func removeAll() { store.removeAll() }

    /// The ids of shuffles with outputs held.
    func shuffleIds() -> Set<Int> { store.shuffleIds }
}
