/// A `parallelize` as a worker rebuilds it: each task brings the encoded
/// partitions it reads (``TaskDescriptor/slices``), so no task carries the
/// whole collection.
final class ShippedCollectionRDD<Element: Sendable>: RDD<Element>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let elementCodec: RecordCodec<Element>

    init(context: Context, partitions: Int, codec: RecordCodec<Element>) {
        elementCodec = codec
        super.init(context: context, partitionCount: Swift.max(1, partitions), dependencies: [], operatorName: "parallelize")
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        guard let bytes = task.shippedSlices[id]?[split] else {
            throw EngineError.lineageNotRebuilt(operator: "parallelize", reason: "the task carries no slice \(split) of RDD #\(id)")
        }
        do { return Records(try elementCodec.decodeAll(bytes)) } catch {
            throw EngineError.lineageNotRebuilt(operator: "parallelize", reason: "slice \(split) of RDD #\(id): \(error)")
        }
    }
}

/// The `parallelize` partitions a task reads: found by walking narrow
/// dependencies down from the task's RDD and partition (a shuffle ends the walk:
/// what lies behind it was read by the map stage).
enum SlicesNeeded {
    /// For each RDD of `available`, the encoded partitions that partition
    /// `partition` of `root` reads.
    static func of(_ root: AnyRDD, partition: Int, available: [Int: [[UInt8]]]) -> [Int: [Int: [UInt8]]] {
        guard !available.isEmpty else { return [:] }
        var needed: [Int: [Int: [UInt8]]] = [:]
        var pending = [(root, partition)]
        var seen: Set<[Int]> = []
        while let (rdd, split) = pending.popLast() {
            guard seen.insert([rdd.id, split]).inserted else { continue }
            if let slices = available[rdd.id], split >= 0, split < slices.count { needed[rdd.id, default: [:]][split] = slices[split] }
            for case let dependency as NarrowDependency in rdd.dependencies {
                for parentSplit in dependency.parentPartitions(split) { pending.append((dependency.parent, parentSplit)) }
            }
        }
        return needed
    }
}
