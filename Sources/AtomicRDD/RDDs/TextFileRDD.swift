/// The lines of text files, one partition per byte-range split: `textFile`.
///
/// Each partition reads the lines that start in its split (see ``FileSplit``),
/// pulling one line at a time with a ``LineCursor``: nothing is built but one
/// `String` per line. When every file is empty there is one empty partition.
final class TextFileRDD: RDD<String>, @unchecked Sendable {
    // `@unchecked Sendable`: `splits` is immutable (see RDD for the rest).
    let splits: [FileSplit]

    init(context: Context, splits: [FileSplit]) {
        self.splits = splits
        super.init(context: context, partitionCount: Swift.max(1, splits.count), dependencies: [], operatorName: "textFile")
        setCodec(.wire(String.self))
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<String> {
        guard split < splits.count else { return .empty }
        let cursor = LineCursor(split: splits[split])
        let cancellation = task.cancellation
        var lines = 0
        return Records {
            lines &+= 1
            if lines & 4095 == 0, cancellation.isSet { throw CancellationError() }
            return try cursor.nextString()
        }
    }
}
