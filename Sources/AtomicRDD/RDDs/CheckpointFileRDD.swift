/// A checkpointed RDD as a worker rebuilds it (Spark's `ReliableCheckpointRDD`):
/// each partition is read from the file the checkpoint's job wrote, with the
/// codec that wrote it. It has no parents: the driver cut the lineage.
final class CheckpointFileRDD<Element: Sendable>: RDD<Element>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let paths: [String]
    private let fileCodec: RecordCodec<Element>
    /// The name of the operator in shipped plans.
    static var operatorName: String { "checkpointFiles" }

    init(context: Context, paths: [String], codec: RecordCodec<Element>, partitioner: (any Partitioner)?) {
        self.paths = paths
        fileCodec = codec
        super.init(context: context, partitionCount: paths.count, dependencies: [], operatorName: Self.operatorName,
                   partitioner: partitioner)
        setCodec(codec)
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        try CheckpointFiles.read(paths[split], codec: fileCodec)
    }
}
