import AtomicTransport

/// What a result task computes on a worker, as data: an action's name, and how
/// the driver decodes the bytes the worker returns. Actions that run a closure
/// of their own have none and cannot run on a multi-process cluster.
struct RemoteResult<Value: Sendable>: Sendable {
    /// The action: "collect", "count" or "reduce".
    let kind: String
    /// The registered function the action runs, if any.
    var function: FunctionDescriptor? = nil
    /// What else the action needs, encoded (the folder of a checkpoint); empty for most.
    var arguments: [UInt8] = []
    let decode: @Sendable ([UInt8]) throws -> Value

    init(kind: String, function: FunctionDescriptor? = nil, arguments: [UInt8] = [],
         decode: @escaping @Sendable ([UInt8]) throws -> Value) {
        self.kind = kind
        self.function = function
        self.arguments = arguments
        self.decode = decode
    }

    /// Each partition's elements reduced with a registered function (none for an empty partition).
    static func reduce<T, F: ReduceFunction>(_ rdd: RDD<T>, _ function: F) -> RemoteResult<[T]> where F.Value == T {
        RemoteResult<[T]>(kind: "reduce", function: function.descriptor, decode: collect(rdd).decode)
    }

    /// Every partition's elements.
    static func collect<T>(_ rdd: RDD<T>) -> RemoteResult<[T]> {
        RemoteResult<[T]>(kind: "collect") { bytes in
            guard let codec = rdd.shippingCodec else {
                throw EngineError.notShippable(operator: "collect", rddId: rdd.id, reason: "\(T.self) is not WireCodable")
            }
            return try codec.decodeAll(bytes)
        }
    }

    /// Every partition's element count.
    static var count: RemoteResult<Int> {
        RemoteResult<Int>(kind: "count") { bytes in
            var reader = WireReader(bytes)
            return try reader.read()
        }
    }

    /// On a worker: the encoded value of `kind` over partition `split` of `rdd`.
    static func compute<T>(_ kind: String, function: FunctionDescriptor?, of rdd: RDD<T>, _ split: Int,
                           _ task: TaskContext) async throws -> [UInt8] {
        let records = Handoff(value: try await rdd.iterator(split, task))
        switch kind {
        case "count":
            return try await task.environment.threads.run(task) {
                var input = records.value
                let count = try input.count()
                return WireWriter.bytes { $0.write(count) }
            }
        case "collect":
            guard let codec = rdd.shippingCodec else {
                throw EngineError.lineageNotRebuilt(operator: "collect", reason: "\(T.self) is not WireCodable")
            }
            return try await task.environment.threads.run(task) {
                var input = records.value
                return codec.encodeAll(try input.collect())
            }
        case "reduce":
            guard let codec = rdd.shippingCodec, let function else {
                throw EngineError.lineageNotRebuilt(operator: "reduce", reason: "no codec for \(T.self) or no function")
            }
            guard let reducer = try rdd.context.registry.resolve(function) as? any ReduceFunction else {
                throw EngineError.lineageNotRebuilt(operator: "reduce", reason: "\(function.name) is not a ReduceFunction")
            }
            guard let combine = reducer.erasedClosure as? @Sendable (T, T) throws -> T else {
                throw EngineError.lineageNotRebuilt(operator: "reduce", reason: "\(function.name) does not reduce \(T.self)")
            }
            return try await task.environment.threads.run(task) {
                var input = records.value
                guard var result = try input.next() else { return codec.encodeAll([]) }
                while let next = try input.next() { result = try combine(result, next) }
                return codec.encodeAll([result])
            }
        default:
            throw EngineError.lineageNotRebuilt(operator: kind, reason: "no such action")
        }
    }
}

extension RecordCodec {
    /// The codec of a join's rows, `(key, (left, right))`.
    static func joinedRows<K: WireCodable, V: WireCodable, W: WireCodable>(_: K.Type, _: V.Type, _: W.Type) -> RecordCodec<(K, (V, W))> {
        RecordCodec<(K, (V, W))>(
            encode: { row, writer in row.0.encode(to: &writer); row.1.0.encode(to: &writer); row.1.1.encode(to: &writer) },
            decode: { (reader: inout WireReader) throws(WireError) -> (K, (V, W)) in
                let key = try K(from: &reader)
                let left = try V(from: &reader)
                return (key, (left, try W(from: &reader)))
            })
    }
}

extension RDD {
    /// The codec that carries this RDD's elements between processes, if any.
    var shippingCodec: RecordCodec<Element>? { codec.withLock { $0 } ?? RecordCodec<Element>.wireIfCodable() ?? RecordCodec<Element>.knownPair() }
}
