import Foundation
import Synchronization

/// The map outputs of one executor, by shuffle and map task. Synchronous and
/// thread-safe, so that the memory budget can move outputs kept in memory to
/// disk from inside a task's record loop (``evict(atLeast:)``);
/// ``ShuffleManager`` is its actor face.
final class MapOutputStore: Sendable {
    private struct Kept {
        var output: MapOutput
        /// Tells this registration from a later attempt's in the same place.
        var serial: Int
        /// For each reducer, the running tasks on this executor that were given
        /// its in-memory bucket: while one reads it, moving it would free nothing.
        var readers: [Int: Int] = [:]

        /// The reducers whose buckets moving would free: in memory, being read by no task.
        var movable: [Int] {
            guard output.moveToDisk != nil else { return [] }
            return output.memory.indices.filter { output.memory[$0] != nil && readers[$0, default: 0] == 0 }
        }
    }

    private struct State {
        var outputs: [Int: [Int: Kept]] = [:]
        var nextSerial = 0
        var evictions = 0
    }

    private let state = Mutex(State())
    private let budget: MemoryBudget

    init(budget: MemoryBudget) {
        self.budget = budget
        budget.outputEvictor.withLock { $0 = { [weak self] bytes in self?.evict(atLeast: bytes) ?? 0 } }
    }

    /// Records a map task's output, replacing an earlier attempt's.
    func register(shuffleId: Int, mapIndex: Int, output: MapOutput) {
        let old = state.withLock { state -> MapOutput? in
            state.nextSerial += 1
            let kept = Kept(output: output, serial: state.nextSerial)
            return state.outputs[shuffleId, default: [:]].updateValue(kept, forKey: mapIndex)?.output
        }
        if let old { discard(old) }
    }

    /// The blocks of reduce partition `reduce` from the given map tasks'
    /// outputs, and which outputs' buckets were given out in memory: the task
    /// given them must hand `reads` to ``doneReading(_:)`` when it ends; until
    /// then, those buckets are not moved to disk.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a map output is missing.
    func fetch(shuffleId: Int, maps mapIndices: some Sequence<Int>, reduce: Int) throws
        -> (blocks: [ShuffleBlock], reads: OutputReads) {
        try state.withLock { state in
            var blocks: [ShuffleBlock] = []
            var read: [(mapIndex: Int, serial: Int)] = []
            for mapIndex in mapIndices {
                guard let kept = state.outputs[shuffleId]?[mapIndex] else {
                    throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce)
                }
                if let memory = kept.output.memory[reduce] {
                    blocks.append(.memory(memory))
                    read.append((mapIndex, kept.serial))
                }
                for segment in kept.output.segments[reduce] where !segment.range.isEmpty { blocks.append(.disk(segment)) }
            }
            // Counted once every output was found: a failed fetch gives nothing out.
            for (mapIndex, _) in read { state.outputs[shuffleId]?[mapIndex]?.readers[reduce, default: 0] += 1 }
            return (blocks, OutputReads(shuffleId: shuffleId, reduce: reduce, outputs: read))
        }
    }

    /// A task given the blocks of ``fetch(shuffleId:maps:reduce:)`` ended. An
    /// output registered again since (a later attempt's) keeps its own count:
    /// the old registration's readers are not taken from it.
    func doneReading(_ reads: OutputReads) {
        state.withLock { state in
            for (mapIndex, serial) in reads.outputs {
                guard let kept = state.outputs[reads.shuffleId]?[mapIndex], kept.serial == serial,
                      let count = kept.readers[reads.reduce] else { continue }
                state.outputs[reads.shuffleId]?[mapIndex]?.readers[reads.reduce] = count > 1 ? count - 1 : nil
            }
        }
    }

    /// What encodes one map output's bucket for `reduce`, run by the caller.
    /// (A bucket served this way stays movable: its memory is held only until
    /// its bytes are sent.)
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when the output is not here.
    func bucketEncoder(shuffleId: Int, mapIndex: Int, reduce: Int) throws -> @Sendable () throws -> EncodedBucket {
        let output = state.withLock { $0.outputs[shuffleId]?[mapIndex]?.output }
        guard let output, let encode = output.encodeBucket, reduce >= 0, reduce < output.segments.count else {
            throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce)
        }
        return { try encode(reduce) }
    }

    /// Deletes a shuffle's outputs: memory is released and files removed.
    func remove(shuffleId: Int) {
        let removed = state.withLock { $0.outputs.removeValue(forKey: shuffleId) }
        for kept in removed?.values ?? [:].values { discard(kept.output) }
    }

    /// Deletes every shuffle.
    func removeAll() {
        let removed = state.withLock { state in
            defer { state.outputs = [:] }
            return state.outputs.values.flatMap(\.values)
        }
        for kept in removed { discard(kept.output) }
    }

    /// The ids of shuffles with outputs held.
    var shuffleIds: Set<Int> { state.withLock { Set($0.outputs.keys) } }

    /// Map outputs moved from memory to disk so far.
    var evictionCount: Int { state.withLock { $0.evictions } }

    /// Moves buckets of map outputs kept in memory to disk, earliest registered
    /// output first, until at least `bytes` of the budget are freed or nothing
    /// movable is left; returns the bytes freed. Only buckets that no running
    /// task on this executor reads move, so the bytes freed are no longer in
    /// use; a bucket given out while it moves stays counted until its shuffle
    /// is removed.
    /// Later fetches get the moved buckets' file. An output that cannot be
    /// written stays in memory, and is not tried again.
    func evict(atLeast bytes: Int) -> Int {
        var freed = 0
        while freed < bytes {
            // Taking the output's `moveToDisk` marks it as moving, so no other
            // eviction picks it too.
            let victim = state.withLock { state -> (shuffleId: Int, mapIndex: Int, kept: Kept, reducers: [Int])? in
                var chosen: (shuffleId: Int, mapIndex: Int, kept: Kept, reducers: [Int])?
                for (shuffleId, maps) in state.outputs {
                    for (mapIndex, kept) in maps where chosen.map({ kept.serial < $0.kept.serial }) ?? true {
                        let reducers = kept.movable
                        if !reducers.isEmpty { chosen = (shuffleId, mapIndex, kept, reducers) }
                    }
                }
                if let chosen { state.outputs[chosen.shuffleId]?[chosen.mapIndex]?.output.moveToDisk = nil }
                return chosen
            }
            guard let victim, let move = victim.kept.output.moveToDisk else { break }
            guard var moved = try? move(victim.reducers) else { continue }
            let released = state.withLock { state -> Int? in
                guard let current = state.outputs[victim.shuffleId]?[victim.mapIndex],
                      current.serial == victim.kept.serial else { return nil }
                // Buckets given out while they moved stay counted.
                let givenOut = victim.reducers.filter { current.readers[$0, default: 0] > 0 }
                let bucketBytes = victim.kept.output.bucketBytes
                moved.memoryBytes += givenOut.reduce(0) { $0 + (bucketBytes.indices.contains($1) ? bucketBytes[$1] : 0) }
                state.outputs[victim.shuffleId]?[victim.mapIndex]?.output = moved
                state.evictions += 1
                return victim.kept.output.memoryBytes - moved.memoryBytes
            }
            if let released {
                budget.release(released)
                freed += released
            } else {
                // Removed or replaced while it moved: the memory went with it; the new file goes too.
                for file in moved.files where !victim.kept.output.files.contains(file) {
                    try? FileManager.default.removeItem(atPath: file)
                }
            }
        }
        return freed
    }

    private func discard(_ output: MapOutput) {
        budget.release(output.memoryBytes)
        for file in output.files { try? FileManager.default.removeItem(atPath: file) }
    }
}

/// The map outputs whose in-memory buckets ``MapOutputStore/fetch(shuffleId:maps:reduce:)``
/// gave a task, each with the serial of its registration, to hand back to
/// ``MapOutputStore/doneReading(_:)`` when the task ends.
struct OutputReads: Sendable {
    let shuffleId: Int
    let reduce: Int
    let outputs: [(mapIndex: Int, serial: Int)]
}
