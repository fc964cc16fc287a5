import AtomicTransport

/// A reducer's request for one map output's bucket, sent to the worker holding
/// it as a `.request` frame; the reply is a `.block` frame with the same
/// correlation id (see ``BlockServer``).
struct BlockRequest: Equatable, Sendable, WireCodable {
    var shuffleId: Int
    var mapIndex: Int
    var reduce: Int

    func encode(to writer: inout WireWriter) {
        writer.write(shuffleId)
        writer.write(mapIndex)
        writer.write(reduce)
    }

    init(shuffleId: Int, mapIndex: Int, reduce: Int) {
        self.shuffleId = shuffleId
        self.mapIndex = mapIndex
        self.reduce = reduce
    }

    init(from reader: inout WireReader) throws(WireError) {
        shuffleId = try reader.read()
        mapIndex = try reader.read()
        reduce = try reader.read()
    }
}
