import AtomicRDD

/// The pairs of a pairs.bin file: 16-byte records of two little-endian Int64,
/// key then value, decoded straight from the bytes read, in 6 partitions: the
/// engine's default (splits of at most 64 MiB) makes 5 of the 320 MB file,
/// which 2 task slots run in 3 waves, the last one half idle; 6 make 3 full waves.
func binaryPairs(_ sc: Context, path: String) throws -> RDD<(Int, Int)> {
    try sc.binaryRecords(path, recordLength: 16, minPartitions: 6) { bytes in
        (Int(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))),
         Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))))
    }
}
