import AtomicTransport

/// The sampling pass of `sortByKey` on a multi-process cluster: one element per
/// partition of the parent, its record count and a sample of its keys, encoded.
final class KeySampleRDD<K: ShuffleKey & Comparable, V: Sendable>: RDD<[UInt8]>, @unchecked Sendable {
    private let parent: RDD<(K, V)>
    private let perPartition: Int
    // Made here, so that built where K and V are known (``OperatorSpecializations``)
    // the loop over every record is compiled for them, instead of running
    // generically and looking up the metadata of `(K, V)` for each record.
    private let sketch: @Sendable (inout Records<(K, V)>, Int, Int) throws -> (count: Int, sample: [K])

    init(parent: RDD<(K, V)>, perPartition: Int) {
        self.parent = parent
        self.perPartition = perPartition
        sketch = { records, partition, perPartition in
            try SampledRangePartitioner<K>.sketch(&records, partition: partition, perPartition: perPartition)
        }
        super.init(context: parent.context, partitionCount: parent.partitionCount,
                   dependencies: [NarrowDependency.oneToOne(parent)], operatorName: "sampleKeys")
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<[UInt8]> {
        var input = try await parent.iterator(split, task)
        let perPartition = perPartition, sketch = sketch
        var done = false
        return Records {
            guard !done else { return nil }
            done = true
            let (count, sample) = try sketch(&input, split, perPartition)
            return WireWriter.bytes { $0.write(count); $0.write(sample) }
        }
    }

    /// Samples `rdd`'s keys on the workers.
    static func sketches(of rdd: RDD<(K, V)>, perPartition: Int) async throws -> [(count: Int, sample: [K])] {
        let sampler = rdd.context.recording("sampleKeys", types: [K.self, V.self],
                                            arguments: WireWriter.bytes { $0.write(perPartition) }, parents: [rdd]) {
            KeySampleRDD(parent: rdd, perPartition: perPartition)
        }
        return try await sampler.collect().map { bytes in
            var reader = WireReader(bytes)
            let count: Int = try reader.read()
            return (count, try reader.read([K].self))
        }
    }
}

/// A partitioner whose state travels to workers with the lineage (the sampled
/// bounds of `sortByKey`).
protocol ShippedPartitionerState {
    func encodedBounds() -> [UInt8]
    func install(encodedBounds: [UInt8]) throws
}

extension SampledRangePartitioner: ShippedPartitionerState {}

extension ShuffledRDD: ShippedElements {
    func shippedElements() throws(EngineError) -> [UInt8] {
        (dependency.partitioner as? any ShippedPartitionerState)?.encodedBounds() ?? []
    }
}
