extension Context {
    /// The lines of a text file, of every file in a directory, or of the files
    /// matching a glob (`*` and `?` in the last path component), as Spark's
    /// `textFile` reads them: split at `\n` with a trailing `\r` dropped,
    /// decoded as UTF-8 (invalid bytes become U+FFFD).
    ///
    /// The files are listed and cut into byte-range splits now, so the RDD's
    /// partition count is known: about `minPartitions` splits of equal size
    /// (default `min(defaultParallelism, 2)`), more if that would make one
    /// over 64 MiB, one per byte at most, and one empty partition when every
    /// file is empty. A missing path fails here, not in the first action.
    /// Files are read by the tasks.
    /// Directories skip names starting with `.` or `_` (such as `_SUCCESS`).
    ///
    /// ```swift
    /// let lines = try sc.textFile("logs/*.txt", minPartitions: 8)
    /// let errors = try await lines.filter { $0.contains("ERROR") }.count()
    /// ```
    ///
    /// - Throws: ``InputError/noInput(_:)`` when nothing matches `path`,
    ///   ``InputError/unreadable(path:reason:)`` when a file cannot be stat'ed.
    ///   Actions throw ``InputError/unreadable(path:reason:)`` if a file cannot be read.
    public func textFile(_ path: String, minPartitions: Int? = nil) throws(InputError) -> RDD<String> {
        let splits: [FileSplit]
        if let shipped = ShippedSplits.current {
            splits = shipped
        } else {
            splits = try FileSplitter.splits(of: try FileSplitter.files(at: path), minPartitions: minPartitions ?? defaultMinPartitions)
        }
        let arguments = WireWriter.bytes { $0.write(path); $0.write(minPartitions ?? -1); $0.write(splits) }
        return recording("textFile", arguments: arguments, parents: []) {
            TextFileRDD(context: self, splits: splits)
        }
    }

    /// Every file that `path` names (a file, a directory or a glob, as in
    /// ``textFile(_:minPartitions:)``) as one `(path, content)` record, the
    /// content decoded as UTF-8. Consecutive files share a partition, with
    /// about the same bytes in each of at most `minPartitions` partitions.
    ///
    /// ```swift
    /// let sizes = try await sc.wholeTextFiles("books/").map { ($0.0, $0.1.count) }.collect()
    /// ```
    ///
    /// - Throws: ``InputError/noInput(_:)``, ``InputError/unreadable(path:reason:)``
    ///   (listing now; reading in the actions).
    public func wholeTextFiles(_ path: String, minPartitions: Int? = nil) throws(InputError) -> RDD<(String, String)> {
        let files = try FileSplitter.files(at: path)
        let groups = try FileSplitter.fileGroups(of: files, minPartitions: minPartitions ?? defaultMinPartitions)
        // The groups travel to workers with the recipe: no new listing there.
        return recording("wholeTextFiles", arguments: WireWriter.bytes { $0.write(groups) }, parents: []) {
            WholeTextFileRDD(context: self, groups: groups)
        }
    }

    /// The fixed-length records of the files that `path` names (a file, a
    /// directory or a glob), `recordLength` bytes each. Splits are cut on
    /// record boundaries: about `minPartitions` of them, one record each at most.
    ///
    /// ```swift
    /// let samples = try sc.binaryRecords("readings.bin", recordLength: 8)
    ///     .map { $0.withUnsafeBytes { $0.loadUnaligned(as: Double.self) } }
    /// ```
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` when
    ///   `recordLength` is not positive; ``InputError/noInput(_:)`` and
    ///   ``InputError/unreadable(path:reason:)`` from listing. The partition
    ///   holding the end of a file whose size is not a multiple of
    ///   `recordLength` fails when computed, with
    ///   ``InputError/partialRecord(path:offset:length:recordLength:)``.
    public func binaryRecords(_ path: String, recordLength: Int, minPartitions: Int? = nil) throws -> RDD<[UInt8]> {
        let splits = try recordSplits(path, recordLength: recordLength, minPartitions: minPartitions)
        let arguments = WireWriter.bytes { $0.write(recordLength); $0.write(splits) }
        return recording("binaryRecordBytes", arguments: arguments, parents: []) {
            BinaryRecordsRDD(context: self, splits: splits, recordLength: recordLength,
                             codec: .wire([UInt8].self)) { [UInt8]($0) }
        }
    }

    /// The fixed-length records of the files that `path` names, each decoded by
    /// `decode` straight from the bytes read: no array per record, as
    /// ``binaryRecords(_:recordLength:minPartitions:)`` then `map` would make.
    ///
    /// ```swift
    /// // 16-byte records of two little-endian Int64.
    /// let pairs = try sc.binaryRecords("pairs.bin", recordLength: 16) { bytes in
    ///     (Int(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))),
    ///      Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))))
    /// }
    /// ```
    ///
    /// - Parameter decode: makes a record from its `recordLength` bytes, which
    ///   are valid only during the call; an error it throws fails the task.
    /// - Throws: as ``binaryRecords(_:recordLength:minPartitions:)``.
    public func binaryRecords<T: Sendable>(
        _ path: String, recordLength: Int, minPartitions: Int? = nil,
        decode: @escaping @Sendable (UnsafeRawBufferPointer) throws -> T
    ) throws -> RDD<T> {
        let splits = try recordSplits(path, recordLength: recordLength, minPartitions: minPartitions)
        return BinaryRecordsRDD(context: self, splits: splits, recordLength: recordLength, codec: nil, decode: decode)
    }

    /// The record-aligned splits of the files `path` names.
    func recordSplits(_ path: String, recordLength: Int, minPartitions: Int?) throws -> [FileSplit] {
        guard recordLength > 0 else {
            throw EngineError.invalidArgument(operation: "binaryRecords", reason: "record length \(recordLength) is not positive")
        }
        if let shipped = ShippedSplits.current { return shipped }
        let files = try FileSplitter.files(at: path)
        return try FileSplitter.recordSplits(of: files, recordLength: recordLength,
                                             minPartitions: minPartitions ?? defaultMinPartitions)
    }

    /// The partition count file sources aim for when none is given, as Spark's
    /// `defaultMinPartitions`: two, or one with one task slot.
    var defaultMinPartitions: Int { max(1, min(config.defaultParallelism, 2)) }
}
