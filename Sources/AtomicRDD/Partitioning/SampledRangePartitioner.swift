import Synchronization

/// The partitioner of `sortByKey`: a ``RangePartitioner`` whose bounds come from
/// a sample of the keys of the RDD being sorted.
///
/// `sortByKey` is a transformation, so it cannot run the sampling job itself
/// (jobs are async). It makes this partitioner with its partition count fixed
/// and its bounds unknown; the first job whose lineage reaches the sort runs the
/// sampling job on the driver just before submitting (see
/// ``Context/prepareShuffles(of:)``), and the bounds are set once, for good, so
/// every map task of the shuffle places keys alike. Sampling is seeded by
/// partition index, so two jobs racing to prepare compute the same bounds.
///
/// When the sample has fewer distinct keys than partitions, the last partitions
/// (the first, descending) stay empty.
struct SampledRangePartitioner<K: ShuffleKey & Comparable>: KeyPartitioner, PreparablePartitioner {
    /// The number of partitions asked for: an upper bound on the ranges used.
    let partitionCount: Int
    private let slot: BoundsSlot

    /// The bounds once known, shared by every copy of the partitioner.
    private final class BoundsSlot: Sendable {
        /// Owns the bounds; set once, never replaced.
        let bounds = AtomicLazyReference<Bounds>()
        /// The address of the first of the bounds' keys in the object in `bounds`
        /// once it is set (0 before), read by `partition(of:)` without a retain:
        /// every map task places every key, and a retain per key on one object
        /// shared by all task threads costs more than the binary search.
        let address = Atomic<UInt>(0)
        /// How many bounds there are; stored before `address`.
        let count = Atomic<Int>(0)
        /// True when partitions go from the greatest keys down; stored before `address`.
        let descending = Atomic<Bool>(false)
        let sample: @Sendable () async throws -> RangePartitioner<K>
        init(sample: @escaping @Sendable () async throws -> RangePartitioner<K>) { self.sample = sample }
    }

    /// The sampled partitioner, and a copy of its bounds in memory of its own
    /// that `partition(of:)` searches through a plain pointer.
    private final class Bounds: @unchecked Sendable {
        // Sendable although it holds a pointer: `keys` is written once, in
        // init, and only read after; it is freed in deinit, when no copy of the
        // partitioner (which holds the slot that holds this object) remains.
        let partitioner: RangePartitioner<K>
        let keys: UnsafeMutablePointer<K>

        init(_ partitioner: RangePartitioner<K>) {
            self.partitioner = partitioner
            keys = UnsafeMutablePointer<K>.allocate(capacity: max(1, partitioner.bounds.count))
            keys.initialize(from: partitioner.bounds, count: partitioner.bounds.count)
        }

        deinit {
            keys.deinitialize(count: partitioner.bounds.count)
            keys.deallocate()
        }
    }

    /// A partitioner of `rdd`'s keys into `partitions` ranges, sampled when prepared.
    init<V: Sendable>(keysOf rdd: RDD<(K, V)>, partitions: Int, descending: Bool) {
        let count = max(1, partitions)
        partitionCount = count
        slot = BoundsSlot { try await Self.sampleBounds(of: rdd, partitions: count, descending: descending) }
    }

    var isPrepared: Bool { slot.address.load(ordering: .acquiring) != 0 }

    func prepare() async throws {
        guard !isPrepared else { return }
        publish(try await slot.sample())
    }

    /// Sets the bounds once; a racing prepare may have stored first: both publish the winner.
    private func publish(_ partitioner: RangePartitioner<K>) {
        let stored = slot.bounds.storeIfNil(Bounds(partitioner))
        slot.count.store(stored.partitioner.bounds.count, ordering: .relaxed)
        slot.descending.store(stored.partitioner.descending, ordering: .relaxed)
        slot.address.store(UInt(bitPattern: stored.keys), ordering: .releasing)
    }

    /// The partition of `key`. Only map tasks place keys, and their jobs prepare
    /// the partitioner first.
    func partition(of key: K) -> Int { Self.partition(of: key, in: slot) }

    /// How `sortByKey`'s map tasks place keys: ``partition(of:)`` in a closure
    /// that holds only the bounds' slot, with no range check (the index is at
    /// most the number of bounds, which is below `partitionCount`).
    var placement: KeyPlacement<K> {
        let slot = self.slot
        return KeyPlacement(partitioner: self, partition: { key in Self.partition(of: key, in: slot) })
    }

    /// The partition of `key` by the bounds in `slot`: a binary search without
    /// branches on the keys (keys in random order would mispredict half of
    /// them), over the bounds' own copy.
    @inline(__always)
    private static func partition(of key: K, in slot: BoundsSlot) -> Int {
        // `slot.bounds` holds the object owning the keys for as long as the slot
        // lives (the caller keeps the slot) and never replaces it; the count and
        // direction were stored before the address this load acquires.
        guard let keys = UnsafePointer<K>(bitPattern: slot.address.load(ordering: .acquiring)) else {
            preconditionFailure("Internal inconsistency: sortByKey's range bounds used before sampling")
        }
        let count = slot.count.load(ordering: .relaxed)
        // The number of bounds below `key` (RangePartitioner.partition(of:)) lies
        // in base...base + length; each step halves the length.
        var base = 0, length = count
        while length > 1 {
            let half = length / 2
            base += keys[base + half - 1] < key ? half : 0
            length -= half
        }
        if length == 1, keys[base] < key { base += 1 }
        return slot.descending.load(ordering: .relaxed) ? count - base : base
    }

    /// True for a copy of this partitioner (the same sort), whose bounds are the same.
    func isEquivalent(to other: any Partitioner) -> Bool {
        (other as? SampledRangePartitioner<K>)?.slot === slot
    }

    /// "RangePartitioner(n, sampled)".
    var description: String { "RangePartitioner(\(partitionCount), sampled)" }

    /// Samples `rdd`'s keys with one job and cuts them into `partitions` ranges
    /// of about equal weight, as Spark's `RangePartitioner` does: about 20 keys
    /// per partition wanted, drawn evenly from each parent partition by reservoir
    /// sampling, each sampled key weighted by how many keys it stands for.
    ///
    /// - Complexity: one pass over the RDD; O(s log s) on the driver for s sampled keys.
    static func sampleBounds<V: Sendable>(of rdd: RDD<(K, V)>, partitions: Int,
                                          descending: Bool) async throws -> RangePartitioner<K> {
        guard partitions > 1, rdd.partitionCount > 0 else { return RangePartitioner(bounds: [], descending: descending) }
        let sampleSize = min(20 * partitions, 1_000_000)
        let perPartition = (3 * sampleSize + rdd.partitionCount - 1) / rdd.partitionCount
        let sketches: [(count: Int, sample: [K])]
        if rdd.context.shipsPlans {
            sketches = try await KeySampleRDD.sketches(of: rdd, perPartition: perPartition)
        } else {
            sketches = try await rdd.context.runJob(rdd) { task, records in
                try sketch(&records, partition: task.partition, perPartition: perPartition)
            }
        }
        var candidates: [(key: K, weight: Double)] = []
        for sketch in sketches where !sketch.sample.isEmpty {
            let weight = Double(sketch.count) / Double(sketch.sample.count)
            for key in sketch.sample { candidates.append((key, weight)) }
        }
        return RangePartitioner(bounds: weightedBounds(candidates, partitions: partitions), descending: descending)
    }

    /// Ascending, distinct bounds cutting weighted keys into `partitions` ranges
    /// of about equal total weight (Spark's `RangePartitioner.determineBounds`).
    /// A partition's record count and a uniform sample of at most `perPartition` of its keys.
    static func sketch<V>(_ records: inout Records<(K, V)>, partition: Int, perPartition: Int) throws -> (count: Int, sample: [K]) {
        var generator = SeededGenerator(seed: UInt64(partition))
        var sample: [K] = []
        sample.reserveCapacity(perPartition)
        var count = 0
        try records.forEach { record in
            let key = record.0
            if count < perPartition {
                sample.append(key)
            } else {
                let slot = Int(generator.next() % UInt64(count + 1))
                if slot < perPartition { sample[slot] = key }
            }
            count += 1
        }
        return (count, sample)
    }

    /// The bounds once sampled, encoded for workers (empty before sampling).
    func encodedBounds() -> [UInt8] {
        guard let partitioner = slot.bounds.load()?.partitioner else { return [] }
        return WireWriter.bytes { $0.write(partitioner.bounds); $0.write(partitioner.descending) }
    }

    /// On a worker: takes the bounds the driver sampled instead of sampling.
    func install(encodedBounds bytes: [UInt8]) throws {
        var reader = WireReader(bytes)
        let bounds: [K] = try reader.read()
        let descending: Bool = try reader.read()
        publish(RangePartitioner(bounds: bounds, descending: descending))
    }

    static func weightedBounds(_ candidates: [(key: K, weight: Double)], partitions: Int) -> [K] {
        let ordered = candidates.sorted { $0.key < $1.key }
        let step = ordered.reduce(0) { $0 + $1.weight } / Double(partitions)
        var bounds: [K] = []
        var cumulative = 0.0, target = step
        for (key, weight) in ordered where bounds.count < partitions - 1 {
            cumulative += weight
            guard cumulative >= target else { continue }
            if let last = bounds.last, !(last < key) { continue }
            bounds.append(key)
            target += step
        }
        return bounds
    }
}

/// A small seeded generator (a splitmix64 counter), so samples repeat from run to run.
private struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = StableHash.mix(seed) }
    mutating func next() -> UInt64 {
        state &+= 1
        return StableHash.mix(state)
    }
}
