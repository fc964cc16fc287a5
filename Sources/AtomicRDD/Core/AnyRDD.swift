import Synchronization

/// The part of an RDD that does not depend on its element type: what the
/// schedulers store and walk.
///
/// Every RDD has five properties, as in Spark:
/// 1. a list of partitions (``partitionCount``),
/// 2. a function computing each partition (``RDD/compute(_:_:)``),
/// 3. a list of dependencies on parent RDDs,
/// 4. optionally a partitioner, for RDDs of key-value pairs,
/// 5. optionally preferred locations for each partition.
public class AnyRDD: @unchecked Sendable {
    // `@unchecked Sendable`: the fields are immutable after init except `state`,
    // which is guarded by its Mutex.

    /// The RDD's id, unique within its Context.
    public let id: Int
    /// The Context that made this RDD.
    public let context: Context
    /// The number of partitions.
    public let partitionCount: Int
    /// The operator that made this RDD ("map", "textFile", "reduceByKey"…).
    public let operatorName: String
    /// The registered function this operator runs, or nil when it runs a
    /// closure or no user code at all (see ``runsUserClosure``).
    public var function: FunctionDescriptor? { state.withLock { $0.function } }
    /// True when this operator runs a closure: such RDDs run in-process only.
    public var runsUserClosure: Bool { state.withLock { $0.runsUserClosure && $0.function == nil } }
    /// The partitioner of a key-value RDD whose keys are known to be grouped.
    public let partitioner: (any Partitioner)?
    private let lineage: [Dependency]
    let state = Mutex(RDDState())

    init(context: Context, partitionCount: Int, dependencies: [Dependency], operatorName: String,
         function: FunctionDescriptor? = nil, runsUserClosure: Bool = false, partitioner: (any Partitioner)? = nil) {
        self.id = context.nextRDDId()
        self.context = context
        self.partitionCount = partitionCount
        self.lineage = dependencies
        self.operatorName = operatorName
        self.partitioner = partitioner
        state.withLock {
            $0.function = function
            $0.runsUserClosure = runsUserClosure
        }
    }

    /// The dependencies on parent RDDs; none once the RDD is checkpointed.
    var dependencies: [Dependency] {
        state.withLock { $0.checkpoint == nil } ? lineage : []
    }

    /// Writes the checkpoint of an RDD that asked for one (see `RDD.writeCheckpointFiles`).
    func writeCheckpoint() async throws {
        preconditionFailure("Internal inconsistency: \(type(of: self)) cannot checkpoint")
    }

    /// On a worker: writes a partition of a checkpoint's job (overridden by `RDD`, see `RDD.writeCheckpointFiles`).
    func writeCheckpointPartition(_ arguments: [UInt8], _ split: Int, _ task: TaskContext) async throws -> [UInt8] {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// Runs a shipped result task on a worker: the encoded value of action `kind`
    /// over partition `split` (overridden by `RDD`, where the element type is known).
    func remoteResult(_ kind: String, function: FunctionDescriptor?, _ split: Int, _ task: TaskContext) async throws -> [UInt8] {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// The element type (overridden by `RDD`).
    var elementType: Any.Type { preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD") }

    /// On a worker: the union with `other` (overridden by `RDD`); nil when the element types differ.
    func unionShipped(with other: AnyRDD) -> AnyRDD? {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// On a worker: the first `count` elements of each partition (overridden by `RDD`).
    func prefixesShipped(_ count: Int) -> AnyRDD {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// On a worker: each partition as one array (overridden by `RDD`).
    func glomShipped() -> AnyRDD {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// Calls `visitor` with this RDD as its own type (overridden by `RDD`).
    func open<V: ElementVisitor>(_ visitor: V) throws -> V.Result {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// On a worker: persists at the level the driver's RDD had (overridden by `RDD`).
    func persistShipped(_ level: StorageLevel) {
        preconditionFailure("Internal inconsistency: \(type(of: self)) is not an RDD")
    }

    /// The number of partitions, as Spark names it.
    public func getNumPartitions() -> Int { partitionCount }

    /// The storage level this RDD was persisted at (``StorageLevel/none`` if not).
    public var storageLevel: StorageLevel { state.withLock { $0.storageLevel } }

    /// True once this RDD's partitions were written by `checkpoint()`.
    public var isCheckpointed: Bool { state.withLock { $0.checkpoint != nil } }

    /// The lineage, one RDD a line, indented one step at each shuffle (stage boundary):
    ///
    /// ```
    /// (2) #4 reduceByKey [ShuffledRDD] HashPartitioner(2)
    ///  +-(2) #3 map
    ///     |  #2 flatMap
    ///     |  #1 textFile
    /// ```
    public func toDebugString() -> String {
        var lines: [String] = []
        describe(into: &lines, indent: "", first: true)
        return lines.joined(separator: "\n")
    }

    private func describe(into lines: inout [String], indent: String, first: Bool) {
        var label = "#\(id) \(operatorName)"
        if let function { label += " <\(function.name)>" } else if runsUserClosure { label += " <closure>" }
        if let partitioner { label += " \(partitioner)" }
        let level = storageLevel
        if level != .none { label += " [\(level)]" }
        if isCheckpointed { label += " [checkpointed]" }
        lines.append(first ? "\(indent)(\(partitionCount)) \(label)" : "\(indent)|  \(label)")
        for dependency in dependencies {
            if dependency is ShuffleDependencyBase {
                let next = indent + " +-"
                var nested: [String] = []
                dependency.parent.describe(into: &nested, indent: "", first: true)
                for (i, line) in nested.enumerated() {
                    lines.append((i == 0 ? next : indent + "   ") + line)
                }
            } else {
                dependency.parent.describe(into: &lines, indent: indent, first: false)
            }
        }
    }
}

/// The mutable part of an RDD: how it is persisted and checkpointed.
struct RDDState: Sendable {
    var function: FunctionDescriptor?
    var runsUserClosure = false
    var storageLevel: StorageLevel = .none
    var checkpointRequested = false
    /// Names of the types `checkpoint()` was called with (see ``CheckpointFiles/codec(_:of:)``).
    var checkpointTypes: [String] = []
    var checkpoint: CheckpointFiles?
    /// How a worker rebuilds this RDD (see ``LineageRecipe``).
    var recipe: LineageRecipe?
}

/// Where a checkpointed RDD's partitions were written, one file each, and
/// the names of the types whose codec wrote them.
struct CheckpointFiles: Sendable {
    var paths: [String]
    var types: [String]
}
