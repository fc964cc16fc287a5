import AtomicTransport
@testable import AtomicRDD

extension RunFileReader {
    /// The records of `segment` in one array, as a reducer receives a spilled
    /// piece (`[varint count][records]`): what ``mappedRecords(_:)`` sends, copied.
    static func encodedRecords(_ segment: RunSegment) throws -> [UInt8] {
        let (count, records) = try mappedRecords(segment)
        var writer = WireWriter(capacity: records.count + 10)
        writer.writeVarint(UInt64(count))
        writer.writeRaw(records.bytes)
        return writer.take()
    }
}
