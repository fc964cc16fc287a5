import Foundation

/// Fixed-length binary records of files, one partition per record-aligned
/// split: `binaryRecords`.
///
/// A split whose length is not a whole number of records ends in a file's
/// trailing partial record: computing it throws
/// ``InputError/partialRecord(path:offset:length:recordLength:)`` before any record.
final class BinaryRecordsRDD: RDD<[UInt8]>, @unchecked Sendable {
    // `@unchecked Sendable`: the fields are immutable (see RDD for the rest).
    private let splits: [FileSplit]
    private let recordLength: Int

    init(context: Context, splits: [FileSplit], recordLength: Int) {
        self.splits = splits
        self.recordLength = recordLength
        super.init(context: context, partitionCount: Swift.max(1, splits.count), dependencies: [], operatorName: "binaryRecords")
        setCodec(.wire([UInt8].self))
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<[UInt8]> {
        guard split < splits.count else { return .empty }
        let range = splits[split]
        let tail = range.length % recordLength
        if tail != 0 {
            throw InputError.partialRecord(path: range.path, offset: range.end - tail, length: tail, recordLength: recordLength)
        }
        let cursor = RecordCursor(split: range, recordLength: recordLength)
        let cancellation = task.cancellation
        var records = 0
        return Records {
            records &+= 1
            if records & 4095 == 0, cancellation.isSet { throw CancellationError() }
            return try cursor.next()
        }
    }
}
