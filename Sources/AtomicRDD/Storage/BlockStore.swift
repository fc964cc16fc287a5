import Synchronization

/// The id of a cached partition.
struct BlockId: Hashable, Sendable, CustomStringConvertible {
    var rddId: Int
    var partition: Int
    var description: String { "rdd_\(rddId)_\(partition)" }
}

/// A cached partition as the store returns it.
enum StoredBlock: Sendable {
    /// The records, as a `[Element]` of the RDD's element type.
    case memory(any Sendable)
    /// The records, serialized in a run file.
    case disk(RunSegment)
}

/// The blocks of one executor, with least-recently-used eviction under the
/// executor's ``MemoryBudget``. Synchronous and thread-safe, so the budget can
/// evict from inside a task's record loop; ``BlockManager`` is its actor face.
final class BlockStore: Sendable {
    private struct Entry {
        var memory: (any Sendable)?
        var disk: RunSegment?
        var size: Int
        var level: StorageLevel
        var lastUse: Int
        // Writes the in-memory records to a run file; set for memory-and-disk blocks.
        var spill: (@Sendable (any Sendable) throws -> RunSegment)?
    }

    private struct State {
        var entries: [BlockId: Entry] = [:]
        var clock = 0
        var evictions = 0
    }

    private let state = Mutex(State())
    private let budget: MemoryBudget

    init(budget: MemoryBudget) {
        self.budget = budget
        budget.evictor.withLock { $0 = { [weak self] bytes in self?.evict(atLeast: bytes) ?? 0 } }
    }

    /// Stores a partition's records. Returns false when the level keeps it in
    /// memory only and the budget has no room even after eviction.
    func put(_ id: BlockId, values: any Sendable, size: Int, level: StorageLevel,
             spill: (@Sendable (any Sendable) throws -> RunSegment)?) throws -> Bool {
        if level.usesMemory && budget.tryAcquire(size) {
            let replaced = state.withLock { state -> Int in
                state.clock += 1
                let old = state.entries[id]
                state.entries[id] = Entry(memory: values, disk: nil, size: size, level: level,
                                          lastUse: state.clock, spill: level.usesDisk ? spill : nil)
                return old?.memory == nil ? 0 : old!.size
            }
            budget.release(replaced)
            return true
        }
        guard level.usesDisk, let spill else { return false }
        let segment = try spill(values)
        state.withLock { state in
            state.clock += 1
            state.entries[id] = Entry(memory: nil, disk: segment, size: 0, level: level, lastUse: state.clock, spill: nil)
        }
        return true
    }

    /// The block, marking it recently used.
    func get(_ id: BlockId) -> StoredBlock? {
        state.withLock { state in
            guard var entry = state.entries[id] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[id] = entry
            if let memory = entry.memory { return .memory(memory) }
            return entry.disk.map { .disk($0) }
        }
    }

    /// Removes every block of an RDD; returns how many were removed.
    @discardableResult
    func remove(rddId: Int) -> Int {
        let freed = state.withLock { state -> (count: Int, bytes: Int) in
            let ids = state.entries.keys.filter { $0.rddId == rddId }
            var bytes = 0
            for id in ids { if let e = state.entries.removeValue(forKey: id), e.memory != nil { bytes += e.size } }
            return (ids.count, bytes)
        }
        budget.release(freed.bytes)
        return freed.count
    }

    /// Removes every block.
    func removeAll() {
        let bytes = state.withLock { state -> Int in
            defer { state.entries = [:] }
            return state.entries.values.reduce(0) { $0 + ($1.memory == nil ? 0 : $1.size) }
        }
        budget.release(bytes)
    }

    /// Ids of blocks currently in memory.
    var memoryBlocks: Set<BlockId> { state.withLock { Set($0.entries.filter { $0.value.memory != nil }.keys) } }
    /// Ids of blocks currently on disk.
    var diskBlocks: Set<BlockId> { state.withLock { Set($0.entries.filter { $0.value.disk != nil }.keys) } }
    /// Blocks evicted from memory so far.
    var evictionCount: Int { state.withLock { $0.evictions } }

    /// Frees memory by evicting least-recently-used memory blocks: memory-and-disk
    /// blocks move to disk, memory-only blocks are dropped (recomputed from
    /// lineage when next needed). Returns the bytes freed.
    func evict(atLeast bytes: Int) -> Int {
        var freed = 0
        while freed < bytes {
            let victim = state.withLock { state -> (BlockId, Entry)? in
                guard let (id, entry) = state.entries.filter({ $0.value.memory != nil })
                    .min(by: { $0.value.lastUse < $1.value.lastUse }) else { return nil }
                state.entries[id]?.memory = nil
                if entry.spill == nil { state.entries[id] = nil }
                state.evictions += 1
                return (id, entry)
            }
            guard let (id, entry) = victim else { break }
            if let spill = entry.spill, let memory = entry.memory {
                let segment = try? spill(memory)
                state.withLock { state in
                    if let segment { state.entries[id]?.disk = segment } else { state.entries[id] = nil }
                }
            }
            budget.release(entry.size)
            freed += entry.size
        }
        return freed
    }
}
