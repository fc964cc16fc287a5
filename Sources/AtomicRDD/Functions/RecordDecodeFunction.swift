/// A registered function that decodes one fixed-length binary record straight
/// from the bytes read, for ``Context/binaryRecords(_:minPartitions:_:)``: the
/// form of `binaryRecords` a multi-process cluster can run.
///
/// ```swift
/// struct Int64Pair: RecordDecodeFunction, ParameterlessFunction {
///     static let name = "app.int64Pair"
///     static let recordLength = 16
///     func callAsFunction(_ bytes: UnsafeRawBufferPointer) -> (Int, Int) { … }
/// }
/// ```
public protocol RecordDecodeFunction<Output>: RegisteredFunction {
    /// The decoded record.
    associatedtype Output: Sendable
    /// The length of every record, in bytes.
    static var recordLength: Int { get }
    /// Decodes a record from its bytes, which are valid only during the call.
    func callAsFunction(_ bytes: UnsafeRawBufferPointer) throws -> Output
}

extension Context {
    /// The fixed-length records of the files `path` names, decoded by a
    /// registered function (see ``RecordDecodeFunction``), so the job can also
    /// run on a multi-process cluster.
    ///
    /// - Throws: as ``binaryRecords(_:recordLength:minPartitions:)``.
    public func binaryRecords<F: RecordDecodeFunction>(_ path: String, minPartitions: Int? = nil, _ decode: F) throws -> RDD<F.Output> {
        // Listed once: the splits travel to workers with the recipe.
        let splits = try recordSplits(path, recordLength: F.recordLength, minPartitions: minPartitions)
        let arguments = WireWriter.bytes { $0.write(path); $0.write(minPartitions ?? -1); $0.write(splits) }
        return try recording("binaryRecords", function: decode.descriptor, arguments: arguments, parents: []) {
            try ShippedSplits.$current.withValue(splits) {
                try binaryRecords(path, recordLength: F.recordLength, minPartitions: minPartitions) { try decode($0) }.registered(decode)
            }
        }
    }
}
