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

    /// The blocks of reduce partition `reduce` from the given map tasks' outputs.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a map output is missing.
    func fetch(shuffleId: Int, maps mapIndices: some Sequence<Int>, reduce: Int) throws -> [ShuffleBlock] {
        try state.withLock { state in
            let maps = state.outputs[shuffleId] ?? [:]
            var blocks: [ShuffleBlock] = []
            for mapIndex in mapIndices {
                guard let output = maps[mapIndex]?.output else {
                    throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce)
                }
                if let memory = output.memory[reduce] { blocks.append(.memory(memory)) }
                for segment in output.segments[reduce] where !segment.range.isEmpty { blocks.append(.disk(segment)) }
            }
            return blocks
        }
    }

    /// What encodes one map output's bucket for `reduce`, run by the caller.
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

    /// Moves map outputs kept in memory to disk, earliest registered first,
    /// until at least `bytes` of the budget are freed or none is left; returns
    /// the bytes freed. Reducers that fetched an output's memory before it
    /// moved keep reading it; later fetches get its file. An output that cannot
    /// be written stays in memory.
    func evict(atLeast bytes: Int) -> Int {
        var freed = 0
        while freed < bytes {
            // Taking the output's `moveToDisk` marks it as moving, so no other
            // eviction picks it too.
            let victim = state.withLock { state -> (shuffleId: Int, mapIndex: Int, kept: Kept)? in
                var chosen: (shuffleId: Int, mapIndex: Int, kept: Kept)?
                for (shuffleId, maps) in state.outputs {
                    for (mapIndex, kept) in maps where kept.output.moveToDisk != nil {
                        if chosen.map({ kept.serial < $0.kept.serial }) ?? true { chosen = (shuffleId, mapIndex, kept) }
                    }
                }
                if let chosen { state.outputs[chosen.shuffleId]?[chosen.mapIndex]?.output.moveToDisk = nil }
                return chosen
            }
            guard let victim, let move = victim.kept.output.moveToDisk else { break }
            guard let moved = try? move() else { continue }
            let replaced = state.withLock { state -> Bool in
                guard state.outputs[victim.shuffleId]?[victim.mapIndex]?.serial == victim.kept.serial else { return false }
                state.outputs[victim.shuffleId]?[victim.mapIndex]?.output = moved
                state.evictions += 1
                return true
            }
            if replaced {
                budget.release(victim.kept.output.memoryBytes)
                freed += victim.kept.output.memoryBytes
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
