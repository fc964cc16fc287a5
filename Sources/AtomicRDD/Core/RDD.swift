import Foundation
import Synchronization

/// A resilient distributed dataset: an immutable, partitioned collection of
/// elements, computed lazily from its lineage.
///
/// Transformations (`map`, `filter`, `reduceByKey`…) are synchronous and only
/// build lineage; actions (`collect`, `count`, `saveAsTextFile`…) are
/// `async throws` and run a job. Narrow transformations of one stage fuse into
/// a single pass per partition.
///
/// ```swift
/// let sc = try await Context(config: .local())
/// let counts = try await sc.textFile("corpus.txt")
///     .flatMap { $0.split(separator: " ").map(String.init) }
///     .map { ($0, 1) }
///     .reduceByKey(+)
///     .collect()
/// ```
public class RDD<Element: Sendable>: AnyRDD, @unchecked Sendable {
    // `@unchecked Sendable`: see AnyRDD; `codec` is guarded by its Mutex.
    let codec = Mutex<RecordCodec<Element>?>(nil)

    // MARK: - What each kind of RDD implements

    /// Computes partition `split` from the parents' records.
    ///
    /// Implementations do their async work (fetching shuffle blocks, cached
    /// parents) here, and return `Records` whose pulls are plain synchronous code.
    func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        preconditionFailure("Internal inconsistency: \(type(of: self)) must override compute")
    }

    /// Runs a shipped result task on a worker (see ``RemoteResult``).
    override final func remoteResult(_ kind: String, function: FunctionDescriptor?, _ split: Int, _ task: TaskContext) async throws -> [UInt8] {
        try await RemoteResult<Element>.compute(kind, function: function, of: self, split, task)
    }

    /// The element type, for code that holds the RDD untyped.
    override final var elementType: Any.Type { Element.self }

    /// On a worker: the union with `other`, when it holds the same elements.
    override final func unionShipped(with other: AnyRDD) -> AnyRDD? {
        (other as? RDD<Element>).map { union($0) }
    }

    /// On a worker: the first `count` elements of each partition.
    override final func prefixesShipped(_ count: Int) -> AnyRDD { prefixes(count) }

    /// On a worker: each partition as one array.
    override final func glomShipped() -> AnyRDD { glom() }

    /// Calls `visitor` with this RDD typed.
    override final func open<V: ElementVisitor>(_ visitor: V) throws -> V.Result { try visitor.visit(self) }

    /// On a worker: persists like the driver's RDD, with the codec that ships its elements.
    override final func persistShipped(_ level: StorageLevel) {
        if let codec = shippingCodec { setCodec(codec) }
        state.withLock { $0.storageLevel = level }
    }

    // MARK: - What every RDD gets

    /// The records of partition `split`: read from the checkpoint, from the
    /// cache, or computed (and cached when the RDD is persisted).
    final func iterator(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        let (level, checkpoint) = state.withLock { ($0.storageLevel, $0.checkpoint) }
        if let checkpoint, let codec = codec.withLock({ $0 }) {
            return try CheckpointFiles.read(checkpoint.paths[split], codec: codec)
        }
        if level == .none { return try await compute(split, task) }
        return try await cachedOrComputed(split, task, level: level)
    }

    private func cachedOrComputed(_ split: Int, _ task: TaskContext, level: StorageLevel) async throws -> Records<Element> {
        let environment = task.environment
        let block = BlockId(rddId: id, partition: split)
        let codec = codec.withLock { $0 }
        switch await environment.blockManager.get(block) {
        case .memory(let values)?:
            guard let array = values as? [Element] else {
                preconditionFailure("Internal inconsistency: block \(block) holds \(type(of: values))")
            }
            return Records(array)
        case .disk(let segment)?:
            if let codec { return try RunFileReader.records(segment, codec: codec) }
        case nil:
            break
        }
        let records = Handoff(value: try await compute(split, task))
        let values = try await environment.threads.run(task) { () -> [Element] in
            var input = records.value
            return try input.collect()
        }
        let size = estimateSize(values, codec: codec)
        let scratch = environment.scratch
        var spill: (@Sendable (any Sendable) throws -> RunSegment)?
        if let codec {
            spill = { stored in try Self.writeBlock(stored as! [Element], path: scratch.newFile("block-\(block)"), codec: codec) }
        }
        _ = try await environment.blockManager.put(block, values: values, size: size, level: level, spill: spill)
        return Records(values)
    }

    private func estimateSize(_ values: [Element], codec: RecordCodec<Element>?) -> Int {
        var size = values.count * MemoryLayout<Element>.stride + 64
        if let codec, !values.isEmpty {
            let step = Swift.max(1, values.count / 32)
            var sampled = 0, bytes = 0
            for i in stride(from: 0, to: values.count, by: step) {
                bytes += codec.estimatedSize(of: values[i]) - MemoryLayout<Element>.stride
                sampled += 1
            }
            size += bytes * values.count / sampled
        }
        return size
    }

    private static func writeBlock(_ values: [Element], path: String, codec: RecordCodec<Element>) throws -> RunSegment {
        var writer = try RunFileWriter(path: path, codec: codec)
        for value in values { try writer.append(value) }
        let range = try writer.endSegment()
        try writer.close()
        return RunSegment(path: path, range: range)
    }

    override func writeCheckpoint() async throws { try await writeCheckpointFiles() }

    /// On a worker: writes a partition of a checkpoint's job (see `writeCheckpointFile`).
    override final func writeCheckpointPartition(_ arguments: [UInt8], _ split: Int, _ task: TaskContext) async throws -> [UInt8] {
        try await writeCheckpointFile(arguments, split, task)
    }

    /// Records how this RDD's elements are serialized, for disk storage and checkpoints.
    func setCodec(_ codec: RecordCodec<Element>) {
        self.codec.withLock { $0 = codec }
    }
}
