import AtomicTransport

/// Encodes and decodes the records of one element type: what lets a partition
/// be spilled, written to disk by `persist`, or checkpointed.
///
/// Made for wire-codable elements and for pairs of wire-codable keys and values
/// (tuples cannot conform to protocols in Swift).
public struct RecordCodec<Element>: Sendable {
    let encode: @Sendable (Element, inout WireWriter) -> Void
    let decode: @Sendable (inout WireReader) throws(WireError) -> Element
    /// True when an array of records in memory is byte for byte their wire form
    /// (a pair of ``WireTrivial`` values with no padding between or after them,
    /// such as `(Int, Int)`): such records are encoded and decoded with one copy
    /// (see ``encodeAll(_:)``).
    var isMemoryImage = false

    /// The codec of a wire-codable element type.
    public static func wire<T: WireCodable>(_: T.Type) -> RecordCodec<T> {
        RecordCodec<T>(encode: { value, writer in value.encode(to: &writer) },
                       decode: { (reader: inout WireReader) throws(WireError) -> T in try T(from: &reader) })
    }

    /// The codec of pairs of wire-codable keys and values.
    public static func pair<K: WireCodable, V: WireCodable>(_: K.Type, _: V.Type) -> RecordCodec<(K, V)> {
        // Trivial halves are written as their memory (WireTrivial's contract), so
        // a record's wire form is its memory when the tuple has no padding.
        let memoryImage = K.self is any WireTrivial.Type && V.self is any WireTrivial.Type
            && MemoryLayout<(K, V)>.size == MemoryLayout<K>.size + MemoryLayout<V>.size
            && MemoryLayout<(K, V)>.stride == MemoryLayout<(K, V)>.size
        return RecordCodec<(K, V)>(
            encode: { pair, writer in pair.0.encode(to: &writer); pair.1.encode(to: &writer) },
            decode: { (reader: inout WireReader) throws(WireError) -> (K, V) in
                let key = try K(from: &reader)
                return (key, try V(from: &reader))
            },
            isMemoryImage: memoryImage)
    }

    /// The codec of arrays of records that `element` encodes (what `glom` makes).
    static func arrays<E>(of element: RecordCodec<E>) -> RecordCodec<[E]> {
        RecordCodec<[E]>(
            encode: { records, writer in
                writer.writeVarint(UInt64(records.count))
                for record in records { element.encode(record, &writer) }
            },
            decode: { (reader: inout WireReader) throws(WireError) -> [E] in
                let count = try reader.readCount(minimumItemSize: 1)
                var records: [E] = []
                records.reserveCapacity(count)
                for _ in 0..<count { records.append(try element.decode(&reader)) }
                return records
            })
    }

    /// Encodes `records` into one byte array.
    func encodeAll(_ records: [Element]) -> [UInt8] {
        var writer = WireWriter(capacity: 64 + records.count * (isMemoryImage ? MemoryLayout<Element>.stride : 8))
        encodeAll(records, into: &writer)
        return writer.take()
    }

    /// Appends what ``encodeAll(_:)`` makes to `writer`: a varint count, then
    /// the records (one bulk copy when ``isMemoryImage``).
    func encodeAll(_ records: [Element], into writer: inout WireWriter) {
        writer.writeVarint(UInt64(records.count))
        if isMemoryImage {
            records.withUnsafeBytes { writer.writeRaw($0) }
        } else {
            for record in records { encode(record, &writer) }
        }
    }

    /// Decodes what ``encodeAll(_:)`` wrote.
    func decodeAll(_ bytes: [UInt8]) throws(WireError) -> [Element] {
        try decodeAll(bytes, range: 0..<bytes.count)
    }

    /// Decodes what ``encodeAll(_:)`` wrote into `bytes[range]`, which it must fill.
    func decodeAll(_ bytes: [UInt8], range: Range<Int>) throws(WireError) -> [Element] {
        var reader = WireReader(bytes, range: range)
        if isMemoryImage {
            let (count, body) = try Self.memoryImage(&reader)
            return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                bytes.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[body]))
                }
                initialized = count
            }
        }
        let count = try reader.readCount(minimumItemSize: 0)
        var records: [Element] = []
        records.reserveCapacity(count)
        for _ in 0..<count { records.append(try decode(&reader)) }
        try reader.finish()
        return records
    }

    /// The count and the byte range of the records that follow in `reader`,
    /// for a memory image: a count, then exactly that many records' memory,
    /// to the reader's end.
    static func memoryImage(_ reader: inout WireReader) throws(WireError) -> (count: Int, body: Range<Int>) {
        let stride = MemoryLayout<Element>.stride
        let count = try reader.readCount(minimumItemSize: stride)
        let body = try reader.readRawRange(count: count * stride)
        try reader.finish()
        return (count, body)
    }

    /// An estimate of the memory one record takes: its inline size plus what
    /// its wire form needs beyond that (a stand-in for heap storage such as a
    /// long string's bytes or an array's elements; zero for plain values such
    /// as a pair of integers, which would otherwise count twice).
    func estimatedSize(of record: Element) -> Int {
        var writer = WireWriter(capacity: 64)
        encode(record, &writer)
        return MemoryLayout<Element>.stride + Swift.max(0, writer.count - MemoryLayout<Element>.size)
    }
}
