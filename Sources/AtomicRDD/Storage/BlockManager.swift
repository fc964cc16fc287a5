/// Owns one executor's cached partitions (in memory and on disk) and lives on
/// that executor's node. Tasks ask it for a cached partition before computing
/// one, and give it the partitions they compute for a persisted RDD.
///
/// The records stay in a synchronous ``BlockStore`` so that the executor's
/// memory budget can evict blocks from inside a running task; this actor is the
/// face that schedulers and tasks talk to.
actor BlockManager {
    /// The executor this block manager belongs to.
    let executorId: String
    nonisolated let store: BlockStore

    init(executorId: String, budget: MemoryBudget) {
        self.executorId = executorId
        self.store = BlockStore(budget: budget)
    }

    /// The block, if held.
    func get(_ id: BlockId) -> StoredBlock? { store.get(id) }

    /// Stores a block; false when it could not be kept (memory-only and no room).
    func put(_ id: BlockId, values: any Sendable, size: Int, level: StorageLevel,
             spill: (@Sendable (any Sendable) throws -> RunSegment)?) throws -> Bool {
        try store.put(id, values: values, size: size, level: level, spill: spill)
    }

    /// Drops every block of an RDD.
    func remove(rddId: Int) -> Int { store.remove(rddId: rddId) }
}
