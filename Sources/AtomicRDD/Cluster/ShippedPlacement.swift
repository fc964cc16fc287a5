import AtomicTransport

/// Where a shipped pair operation puts keys, as its recipe carries it: the
/// default placement with an optional partition count, a hash partitioner, a
/// range partitioner of wire-codable keys, or a registered partitioner
/// (``PartitionerFunction``).
enum ShippedPlacement: Sendable, WireCodable {
    /// ``KeyPlacement/default(for:numPartitions:)``.
    case numPartitions(Int?)
    /// A ``HashPartitioner`` of this many partitions.
    case hash(Int)
    /// A ``RangePartitioner``: its direction and its encoded bounds.
    case range(descending: Bool, bounds: [UInt8])
    /// A registered partitioner, as data.
    case registered(FunctionDescriptor)

    /// The form of `partitioner`, or nil when it cannot travel (a partitioner
    /// that is not a registered function).
    init?(_ partitioner: any Partitioner) {
        if let hash = partitioner as? HashPartitioner {
            self = .hash(hash.partitionCount)
        } else if let range = partitioner as? any EncodableBounds, let bounds = range.encodedBounds {
            self = .range(descending: range.descending, bounds: bounds)
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
        case let .range(descending, bounds): writer.write(UInt8(3)); writer.write(descending); writer.write(bounds)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        let tag: UInt8 = try reader.read()
        switch tag {
        case 0:
            let count: Int = try reader.read()
            self = .numPartitions(count < 0 ? nil : count)
        case 1: self = .hash(try reader.read())
        case 2: self = .registered(try reader.read())
        default: self = .range(descending: try reader.read(), bounds: try reader.read())
        }
    }
}

/// A range partitioner whose bounds can travel.
protocol EncodableBounds {
    var descending: Bool { get }
    /// The bounds, encoded; nil when the keys are not ``WireCodable``.
    var encodedBounds: [UInt8]? { get }
}

extension RangePartitioner: EncodableBounds {
    var encodedBounds: [UInt8]? { (bounds as? any WireCodable)?.wireBytes() }
}

extension ShippedPlacement {
    /// The range partitioner of keys of type `K` whose bounds `encodedBounds`
    /// gave, as a partitioner of `K` (found `Comparable` at run time); nil when `K` is not.
    static func rangePartitioner<K: ShuffleKey>(of _: K.Type, descending: Bool, bounds: [UInt8]) throws -> (any KeyPartitioner<K>)? {
        guard let comparable = K.self as? any (ShuffleKey & Comparable).Type else { return nil }
        func make<C: ShuffleKey & Comparable>(_: C.Type) throws -> Any {
            var reader = WireReader(bounds)
            return RangePartitioner<C>(bounds: try reader.read(), descending: descending)
        }
        return try make(comparable) as? any KeyPartitioner<K>
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
