// Actions of key-value RDDs: they run a job and bring a result to the driver.

extension RDD {
    /// How many pairs each key has. Each task counts its partition's keys; the
    /// driver adds the counts up, so the result must fit in the driver's memory.
    ///
    /// - Throws: what the job throws (``JobFailedError``, `CancellationError`…).
    public func countByKey<K: Hashable & Sendable, V: Sendable>() async throws -> [K: Int] where Element == (K, V) {
        let counted = keyCounts()
        let counts = try await context.runJob(counted, remote: RemoteResult<[(K, Int)]>.collect(counted)) { _, records in
            try records.collect()
        }
        var total: [K: Int] = [:]
        for partition in counts {
            for (key, count) in partition { total[key, default: 0] += count }
        }
        return total
    }

    /// Every pair as a dictionary on the driver. For a key found more than once,
    /// the value read last (in partition order) wins.
    ///
    /// - Throws: what the job throws.
    public func collectAsMap<K: Hashable & Sendable, V: Sendable>() async throws -> [K: V] where Element == (K, V) {
        let pairs = shippedPairs()
        let parts = try await context.runJob(pairs, remote: RemoteResult<[(K, V)]>.collect(pairs)) { _, records in try records.collect() }
        var map: [K: V] = [:]
        for part in parts {
            for (key, value) in part { map[key] = value }
        }
        return map
    }

    /// The values of `key`, in partition order. When this RDD has a partitioner
    /// that can place `key`, the job reads only the key's partition; otherwise
    /// it scans every partition.
    ///
    /// - Throws: what the job throws.
    public func lookup<K: Hashable & Sendable, V: Sendable>(_ key: K) async throws -> [V] where Element == (K, V) {
        try await context.prepareShuffles(of: self)
        let partitions = partition(of: key).map { [$0] }
        let found = values(of: key)
        let parts = try await context.runJob(found, partitions: partitions, remote: RemoteResult<[V]>.collect(found)) { _, records in
            try records.collect()
        }
        return Array(parts.joined())
    }

    /// The partition that holds `key` by this RDD's partitioner, if it has one
    /// that can place keys of this type and the index it gives is in range.
    private func partition<K: Hashable & Sendable>(of key: K) -> Int? {
        guard let partitioner else { return nil }
        var index: Int?
        if let hash = partitioner as? HashPartitioner, let shuffleKey = key as? any ShuffleKey {
            index = hash.partition(of: shuffleKey)
        } else if let keyed = partitioner as? any KeyPartitioner<K> {
            index = keyed.partition(of: key)
        }
        guard let index, index >= 0, index < partitionCount else { return nil }
        return index
    }
}
