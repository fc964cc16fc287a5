import AtomicTransport

// How a worker rebuilds a checkpointed RDD: a source reading the files the
// checkpoint's job wrote (see LineageNode.init(checkpointOf:files:)).

extension OperatorCatalog {
    /// The builders of this file, by operator name (merged into the catalog's).
    static let checkpointBuilders: [String: @Sendable (Input) throws -> AnyRDD] = [
        CheckpointFileRDD<Int>.operatorName: checkpointFiles,
    ]

    private static func checkpointFiles(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let paths: [String] = try arguments.read(), hashPartitions: Int = try arguments.read()
        let partitioner = hashPartitions < 0 ? nil : HashPartitioner(partitions: hashPartitions)
        let types = input.node.types
        let codable = try (0..<types.count).map { index -> any (WireCodable & Sendable).Type in
            guard let type = try input.type(index) as? any (WireCodable & Sendable).Type else {
                throw input.failure("\(types[index]) is not WireCodable")
            }
            return type
        }
        func build<T: Sendable>(_: T.Type) throws -> AnyRDD {
            CheckpointFileRDD(context: input.context, paths: paths, codec: try CheckpointFiles.codec(types, of: T.self),
                              partitioner: partitioner)
        }
        func withKey<K: WireCodable & Sendable>(_: K.Type) throws -> AnyRDD {
            func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD { try build((K, V).self) }
            return try withValue(codable[1])
        }
        func single<T: WireCodable & Sendable>(_: T.Type) throws -> AnyRDD { try build(T.self) }
        switch codable.count {
        case 1: return try single(codable[0])
        case 2: return try withKey(codable[0])
        default: throw input.failure("expected 1 or 2 type names, got \(types.count)")
        }
    }
}
