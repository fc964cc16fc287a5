import AtomicRDD

/// The pairs of a pairs.bin file: 16-byte records of two little-endian Int64,
/// key then value.
func binaryPairs(_ sc: Context, path: String) throws -> RDD<(Int, Int)> {
    try sc.binaryRecords(path, recordLength: 16).map { record in
        record.withUnsafeBytes { bytes in
            (Int(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))),
             Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))))
        }
    }
}
