import Foundation

/// Fixed-length binary records of files, one partition per record-aligned
/// split, each record decoded from its bytes: `binaryRecords`.
///
/// A split whose length is not a whole number of records ends in a file's
/// trailing partial record: computing it throws
/// ``InputError/partialRecord(path:offset:length:recordLength:)`` before any record.
final class BinaryRecordsRDD<T: Sendable>: RDD<T>, @unchecked Sendable {
    // `@unchecked Sendable`: the fields are immutable (see RDD for the rest).
    private let splits: [FileSplit]
    private let recordLength: Int
    /// The record loop, made here where `T` is concrete so it is specialized
    /// (`compute`, a class override, could only run the generic version).
    private let read: @Sendable (RecordCursor, CancellationFlag) -> Records<T>

    init(context: Context, splits: [FileSplit], recordLength: Int, codec: RecordCodec<T>?,
         decode: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T) {
        self.splits = splits
        self.recordLength = recordLength
        self.read = { cursor, cancellation in
            var records = 0
            return Records(pull: {
                records &+= 1
                if records & 4095 == 0, cancellation.isSet { throw CancellationError() }
                return try cursor.next(decode)
            }, drain: { body in
                try cursor.forEach(decode, cancellation: cancellation, body)
            })
        }
        super.init(context: context, partitionCount: Swift.max(1, splits.count), dependencies: [], operatorName: "binaryRecords")
        if let codec { setCodec(codec) }
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<T> {
        guard split < splits.count else { return .empty }
        let range = splits[split]
        let tail = range.length % recordLength
        if tail != 0 {
            throw InputError.partialRecord(path: range.path, offset: range.end - tail, length: tail, recordLength: recordLength)
        }
        return read(RecordCursor(split: range, recordLength: recordLength), task.cancellation)
    }
}
