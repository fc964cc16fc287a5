import AtomicTransport

/// An engine error thrown by a task on a worker process reaches the driver as
/// itself (see `TaskReport.failure`), so a job fails there with the same
/// typed cause as in local mode (`zipMismatch`, `commandFailed`…).
extension EngineError: WireCodable {
    /// Writes a tag for the case, then its values.
    public func encode(to writer: inout WireWriter) {
        switch self {
        case let .scratchUnavailable(path, reason): writer.write(UInt8(0)); writer.write(path); writer.write(reason)
        case let .spillFailed(path, reason): writer.write(UInt8(1)); writer.write(path); writer.write(reason)
        case let .corruptFile(path, reason): writer.write(UInt8(2)); writer.write(path); writer.write(reason)
        case .contextStopped: writer.write(UInt8(3))
        case let .fetchFailed(shuffleId, mapIndex, reduceIndex):
            writer.write(UInt8(4)); writer.write(shuffleId); writer.write(mapIndex); writer.write(reduceIndex)
        case let .emptyRDD(operation): writer.write(UInt8(5)); writer.write(operation)
        case let .outputExists(path): writer.write(UInt8(6)); writer.write(path)
        case let .outputFailed(path, reason): writer.write(UInt8(7)); writer.write(path); writer.write(reason)
        case let .commandFailed(command, status, tail): writer.write(UInt8(8)); writer.write(command); writer.write(status); writer.write(tail)
        case let .invalidArgument(operation, reason): writer.write(UInt8(9)); writer.write(operation); writer.write(reason)
        case let .zipMismatch(partition): writer.write(UInt8(10)); writer.write(partition)
        case let .notShippable(op, rddId, reason): writer.write(UInt8(11)); writer.write(op); writer.write(rddId); writer.write(reason)
        case let .lineageNotRebuilt(op, reason): writer.write(UInt8(12)); writer.write(op); writer.write(reason)
        case let .workerFailed(worker, reason): writer.write(UInt8(13)); writer.write(worker); writer.write(reason)
        case let .noWorkers(reason): writer.write(UInt8(14)); writer.write(reason)
        case let .checkpointUnreadable(path, reason): writer.write(UInt8(15)); writer.write(path); writer.write(reason)
        }
    }

    /// Reads what ``encode(to:)`` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.read(UInt8.self) {
        case 0: self = .scratchUnavailable(path: try reader.read(), reason: try reader.read())
        case 1: self = .spillFailed(path: try reader.read(), reason: try reader.read())
        case 2: self = .corruptFile(path: try reader.read(), reason: try reader.read())
        case 3: self = .contextStopped
        case 4: self = .fetchFailed(shuffleId: try reader.read(), mapIndex: try reader.read(), reduceIndex: try reader.read())
        case 5: self = .emptyRDD(operation: try reader.read())
        case 6: self = .outputExists(path: try reader.read())
        case 7: self = .outputFailed(path: try reader.read(), reason: try reader.read())
        case 8: self = .commandFailed(command: try reader.read(), status: try reader.read(), stderrTail: try reader.read())
        case 9: self = .invalidArgument(operation: try reader.read(), reason: try reader.read())
        case 10: self = .zipMismatch(partition: try reader.read())
        case 11: self = .notShippable(operator: try reader.read(), rddId: try reader.read(), reason: try reader.read())
        case 12: self = .lineageNotRebuilt(operator: try reader.read(), reason: try reader.read())
        case 13: self = .workerFailed(worker: try reader.read(), reason: try reader.read())
        case 14: self = .noWorkers(reason: try reader.read())
        case 15: self = .checkpointUnreadable(path: try reader.read(), reason: try reader.read())
        case let tag: throw .unknownTag(offset: reader.offset, tag: UInt64(tag), type: "EngineError")
        }
    }
}
