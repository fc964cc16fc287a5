import AtomicTransport

/// Where a shipped pair operation puts keys, as its recipe carries it: the
/// default placement with an optional partition count, a hash partitioner, or
/// a registered partitioner (``PartitionerFunction``).
enum ShippedPlacement: Sendable, WireCodable {
    /// ``KeyPlacement/default(for:numPartitions:)``.
    case numPartitions(Int?)
    /// A ``HashPartitioner`` of this many partitions.
    case hash(Int)
    /// A registered partitioner, as data.
    case registered(FunctionDescriptor)

    /// The form of `partitioner`, or nil when it cannot travel (a partitioner
    /// that is not a registered function).
    init?(_ partitioner: any Partitioner) {
        if let hash = partitioner as? HashPartitioner {
            self = .hash(hash.partitionCount)
        } else if let registered = partitioner as? any PartitionerFunction {
            self = .registered(registered.descriptor)
        } else {
            return nil
        }
    }

    func encode(to writer: inout WireWriter) {
        switch self {
        case .numPartitions(let count): writer.write(UInt8(0)); writer.write(count ?? -1)
        case .hash(let count): writer.write(UInt8(1)); writer.write(count)
        case .registered(let descriptor): writer.write(UInt8(2)); writer.write(descriptor)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        let tag: UInt8 = try reader.read()
        switch tag {
        case 0:
            let count: Int = try reader.read()
            self = .numPartitions(count < 0 ? nil : count)
        case 1: self = .hash(try reader.read())
        default: self = .registered(try reader.read())
        }
    }
}

extension Context {
    /// ``recording(_:function:types:arguments:parents:_:)`` of a pair operation
    /// placed by `placement` (written first in its arguments, before `extra`);
    /// with no placement (a partitioner that cannot travel), the result has no
    /// recipe and a job over it fails on a multi-process cluster with
    /// ``EngineError/notShippable(operator:rddId:reason:)``.
    func recording<R: AnyRDD>(_ operatorName: String, placement: ShippedPlacement?, function: FunctionDescriptor? = nil,
                              types: [Any.Type], extra: [UInt8] = [], parents: [AnyRDD], _ build: () throws -> R) rethrows -> R {
        guard let placement else { return try build() }
        let arguments = WireWriter.bytes { $0.write(placement) } + extra
        return try recording(operatorName, function: function, types: types, arguments: arguments, parents: parents, build)
    }
}
