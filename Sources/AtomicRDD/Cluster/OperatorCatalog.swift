import AtomicTransport

/// Rebuilds shipped lineage on a worker: each operator's builder calls the same
/// public operator the driver called, with the node's registered function and
/// with Swift types looked up by name, while the node's recorded ids are replayed.
enum OperatorCatalog {
    /// The operators a worker can rebuild, by name.
    static let operatorNames: Set<String> = Set(builders.keys)

    /// The plan's RDDs, by their driver ids.
    ///
    /// - Throws: ``EngineError/lineageNotRebuilt(operator:reason:)``.
    static func rebuild(_ plan: LineagePlan, in context: Context) throws(EngineError) -> [Int: AnyRDD] {
        var built: [Int: AnyRDD] = [:]
        for node in plan.nodes {
            do {
                let parents = try node.parents.map { id in
                    guard let parent = built[id] else { throw EngineError.lineageNotRebuilt(operator: node.operatorName,
                                                                                         reason: "parent #\(id) comes later in the plan") }
                    return parent
                }
                guard let builder = builders[node.operatorName] else {
                    throw EngineError.lineageNotRebuilt(operator: node.operatorName, reason: "no such operator in the catalog")
                }
                let log = IdLog(rdds: node.rddIds, shuffles: node.shuffleIds)
                let rdd = try IdLogs.$replaying.withValue(log) { try builder(Input(node: node, parents: parents, context: context)) }
                if let level = StorageLevel(rawValue: node.storageLevel), level != .none { rdd.persistShipped(level) }
                built[node.id] = rdd
            } catch let error as EngineError {
                throw error
            } catch {
                throw .lineageNotRebuilt(operator: node.operatorName, reason: "\(error)")
            }
        }
        return built
    }

    /// What a builder gets.
    struct Input {
        let node: LineageNode
        let parents: [AnyRDD]
        let context: Context

        var name: String { node.operatorName }

        /// The node's type at `index`.
        func type(_ index: Int) throws -> Any.Type {
            guard index < node.types.count else { throw failure("expected \(index + 1) type names") }
            return try TypeNames.type(node.types[index], for: name)
        }

        /// Parent `index` as an RDD of `T`.
        func parent<T>(_ index: Int = 0, as _: T.Type) throws -> RDD<T> {
            guard index < parents.count else { throw failure("expected \(index + 1) parents") }
            guard let typed = parents[index] as? RDD<T> else {
                throw failure("parent #\(parents[index].id) is not an RDD of \(T.self)")
            }
            return typed
        }

        /// Parent `index`, untyped.
        func anyParent(_ index: Int) throws -> AnyRDD {
            guard index < parents.count else { throw failure("expected \(index + 1) parents") }
            return parents[index]
        }

        /// The node's first `count` types, as a specialization key.
        func typeKey(_ count: Int) throws -> OperatorSpecializations.Key {
            try (0..<count).map { ObjectIdentifier(try type($0)) }
        }

        /// The node's registered function.
        func function() throws -> any RegisteredFunction {
            guard let descriptor = node.function else { throw failure("no registered function") }
            return try context.registry.resolve(descriptor)
        }

        /// The function as the protocol the operator takes.
        func function<P>(as _: P.Type) throws -> P {
            let function = try function()
            guard let typed = function as? P else { throw failure("\(Swift.type(of: function)) is not a \(P.self)") }
            return typed
        }

        /// A reader over the operator's arguments.
        var arguments: WireReader { WireReader(node.arguments) }

        func failure(_ reason: String) -> EngineError { .lineageNotRebuilt(operator: name, reason: reason) }

        /// The operators compiled for concrete types.
        var specialized: OperatorSpecializations { context.config.specializations }
    }

    typealias Builder = @Sendable (Input) throws -> AnyRDD

    private static let builders: [String: Builder] = coreBuilders
        .merging(pairBuilders) { own, _ in own }
        .merging(actionBuilders) { own, _ in own }
        .merging(checkpointBuilders) { own, _ in own }

    private static let coreBuilders: [String: Builder] = [
        "parallelize": parallelize, "range": range, "textFile": textFile,
        "map": map, "flatMap": flatMap, "filter": filter, "mapPartitions": mapPartitions, "keyBy": keyBy,
        "mapValues": mapValues, "reduceByKey": reduceByKey, "groupByKey": groupByKey, "join": join,
        "sortByKey": sortByKey, "sampleKeys": sampleKeys, "union": union, "keys": keys, "values": values,
        "flatMapValues": flatMapValues, "binaryRecords": binaryRecords,
        "leftOuterJoin": { try twoSided($0, .leftOuterJoin) }, "rightOuterJoin": { try twoSided($0, .rightOuterJoin) },
        "fullOuterJoin": { try twoSided($0, .fullOuterJoin) }, "cogroup": { try twoSided($0, .cogroup) },
        "glom": { input in try input.anyParent(0).glomShipped() }, "distinct": distinct,
        "prefixes": { input in
            var arguments = input.arguments
            return try input.anyParent(0).prefixesShipped(try arguments.read())
        },
        "words": { input in try input.parent(as: String.self).words() },
    ]

    private static func binaryRecords(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let path: String = try arguments.read(), minPartitions: Int = try arguments.read()
        let splits: [FileSplit] = try arguments.read()
        func build<F: RecordDecodeFunction>(_ decode: F) throws -> AnyRDD {
            let count = minPartitions < 0 ? nil : minPartitions
            if let entry = input.specialized.functionRecords[OperatorSpecializations.key(F.self)],
               let rdd = try entry(input.context, path, count, decode) { return rdd }
            let closure: @Sendable (UnsafeRawBufferPointer) throws -> F.Output = { try decode($0) }
            if let entry = input.specialized.records[OperatorSpecializations.key(F.Output.self)],
               let rdd = try entry(input.context, path, F.recordLength, count, closure) { return rdd }
            return try input.context.binaryRecords(path, minPartitions: count, decode)
        }
        // The driver's splits, not a new listing of the files.
        return try ShippedSplits.$current.withValue(splits) { try build(try input.function(as: (any RecordDecodeFunction).self)) }
    }

    private static func distinct(_ input: Input) throws -> AnyRDD {
        guard let key = try input.type(0) as? any ShuffleKey.Type else { throw input.failure("the element type is not a ShuffleKey") }
        var arguments = input.arguments
        let count: Int = try arguments.read()
        func build<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
            try input.parent(as: K.self).distinct(numPartitions: count < 0 ? nil : count)
        }
        return try build(key)
    }

    private static func union(_ input: Input) throws -> AnyRDD {
        guard input.parents.count == 2 else { throw input.failure("expected 2 parents") }
        guard let union = input.parents[0].unionShipped(with: input.parents[1]) else {
            throw input.failure("the parents' element types differ")
        }
        return union
    }

    /// Opens the node's first two types as wire-codable key and value.
    private static func withCodableKeyAndValue(
        _ input: Input, _ body: (any (WireCodable & Sendable).Type, any (WireCodable & Sendable).Type) throws -> AnyRDD
    ) throws -> AnyRDD {
        guard let key = try input.type(0) as? any (WireCodable & Sendable).Type,
              let value = try input.type(1) as? any (WireCodable & Sendable).Type else {
            throw input.failure("keys and values must be WireCodable")
        }
        return try body(key, value)
    }

    private static func keys(_ input: Input) throws -> AnyRDD {
        if let entry = input.specialized.keyProjections[try input.typeKey(2)], let rdd = entry(try input.anyParent(0)) { return rdd }
        return try withCodableKeyAndValue(input) { key, value in
            func withKey<K: WireCodable & Sendable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD { try input.parent(as: (K, V).self).keys() }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func values(_ input: Input) throws -> AnyRDD {
        if let entry = input.specialized.valueProjections[try input.typeKey(2)], let rdd = entry(try input.anyParent(0)) { return rdd }
        return try withCodableKeyAndValue(input) { key, value in
            func withKey<K: WireCodable & Sendable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD { try input.parent(as: (K, V).self).values() }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func flatMapValues(_ input: Input) throws -> AnyRDD {
        func build<F: FlatMapFunction>(_ function: F) throws -> AnyRDD {
            func withKey<K: WireCodable & Sendable>(_: K.Type) throws -> AnyRDD {
                try input.parent(as: (K, F.Input).self).flatMapValues(function)
            }
            guard let key = try input.type(0) as? any (WireCodable & Sendable).Type else {
                throw input.failure("the key type is not WireCodable")
            }
            return try withKey(key)
        }
        return try build(try input.function(as: (any FlatMapFunction).self))
    }

    // MARK: Sources

    private static func parallelize(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let partitions: Int = try arguments.read()
        if input.node.types.count == 2 {
            func withKey<K>(_: K.Type) throws -> AnyRDD {
                func withValue<V>(_: V.Type) throws -> AnyRDD { try parallelizePairs(K.self, V.self, input, partitions) }
                return try _openExistential(try input.type(1), do: withValue)
            }
            return try _openExistential(try input.type(0), do: withKey)
        }
        guard let codable = try input.type(0) as? any (WireCodable & Sendable).Type else {
            throw input.failure("elements are not WireCodable")
        }
        func build<T: WireCodable & Sendable>(_: T.Type) throws -> AnyRDD {
            ShippedCollectionRDD(context: input.context, partitions: partitions, codec: RecordCodec<T>.wire(T.self))
        }
        return try build(codable)
    }

    private static func parallelizePairs<K, V>(_: K.Type, _: V.Type, _ input: Input, _ partitions: Int) throws -> AnyRDD {
        guard let key = K.self as? any (WireCodable & Sendable).Type, let value = V.self as? any (WireCodable & Sendable).Type else {
            throw input.failure("pair elements are not WireCodable")
        }
        func withKey<A: WireCodable & Sendable>(_: A.Type) throws -> AnyRDD {
            func withValue<B: WireCodable & Sendable>(_: B.Type) throws -> AnyRDD {
                ShippedCollectionRDD(context: input.context, partitions: partitions, codec: RecordCodec<(A, B)>.pair(A.self, B.self))
            }
            return try withValue(value)
        }
        return try withKey(key)
    }

    private static func range(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let start: Int = try arguments.read(), end: Int = try arguments.read()
        let step: Int = try arguments.read(), partitions: Int = try arguments.read()
        return input.context.range(start, end, step: step, numPartitions: partitions)
    }

    private static func textFile(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let path: String = try arguments.read(), minPartitions: Int = try arguments.read()
        let splits: [FileSplit] = try arguments.read()
        // The driver's splits, not a new listing of the files.
        return try ShippedSplits.$current.withValue(splits) {
            try input.context.textFile(path, minPartitions: minPartitions < 0 ? nil : minPartitions)
        }
    }

    // MARK: Narrow operators

    // Each builder first looks for a form compiled for the concrete types (see
    // OperatorSpecializations), giving it the function as a closure of those types.

    private static func map(_ input: Input) throws -> AnyRDD {
        func build<F: MapFunction>(_ function: F) throws -> AnyRDD {
            let parent = try input.parent(as: F.Input.self)
            if let entry = input.specialized.functionMaps[OperatorSpecializations.key(F.self)],
               let rdd = entry(parent, function) { return rdd }
            let closure: @Sendable (F.Input) throws -> F.Output = { try function($0) }
            if let entry = input.specialized.maps[OperatorSpecializations.key(F.Input.self, F.Output.self)],
               let rdd = entry(parent, closure) { return rdd }
            return parent.map(function)
        }
        return try build(try input.function(as: (any MapFunction).self))
    }

    private static func flatMap(_ input: Input) throws -> AnyRDD {
        func build<F: FlatMapFunction>(_ function: F) throws -> AnyRDD {
            let parent = try input.parent(as: F.Input.self)
            if let entry = input.specialized.functionFlatMaps[OperatorSpecializations.key(F.self)],
               let rdd = entry(parent, function) { return rdd }
            let closure: @Sendable (F.Input) throws -> F.Output = { try function($0) }
            if let entry = input.specialized.flatMaps[OperatorSpecializations.key(F.Input.self, F.Output.self)],
               let rdd = entry(parent, closure) { return rdd }
            return parent.flatMap(function)
        }
        return try build(try input.function(as: (any FlatMapFunction).self))
    }

    private static func filter(_ input: Input) throws -> AnyRDD {
        func build<F: FilterFunction>(_ function: F) throws -> AnyRDD {
            let parent = try input.parent(as: F.Input.self)
            if let entry = input.specialized.functionFilters[OperatorSpecializations.key(F.self)],
               let rdd = entry(parent, function) { return rdd }
            let closure: @Sendable (F.Input) throws -> Bool = { try function($0) }
            if let entry = input.specialized.filters[OperatorSpecializations.key(F.Input.self)],
               let rdd = entry(parent, closure) { return rdd }
            return parent.filter(function)
        }
        return try build(try input.function(as: (any FilterFunction).self))
    }

    private static func mapPartitions(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let preserves: Bool = try arguments.read()
        func build<F: PartitionFunction>(_ function: F) throws -> AnyRDD {
            let parent = try input.parent(as: F.Input.self)
            let closure: @Sendable (Int, PartitionIterator<F.Input>) throws -> F.Output = { try function($0, $1) }
            if let entry = input.specialized.partitions[OperatorSpecializations.key(F.Input.self, F.Output.self)],
               let rdd = entry(parent, preserves, closure) { return rdd }
            return parent.mapPartitions(preservesPartitioning: preserves, function)
        }
        return try build(try input.function(as: (any PartitionFunction).self))
    }

    private static func keyBy(_ input: Input) throws -> AnyRDD {
        func build<F: MapFunction>(_ function: F) throws -> AnyRDD { try input.parent(as: F.Input.self).keyBy(function) }
        return try build(try input.function(as: (any MapFunction).self))
    }

    private static func mapValues(_ input: Input) throws -> AnyRDD {
        func build<F: MapFunction>(_ function: F) throws -> AnyRDD {
            func withKey<K: WireCodable & Sendable>(_: K.Type) throws -> AnyRDD {
                try input.parent(as: (K, F.Input).self).mapValues(function)
            }
            guard let key = try input.type(0) as? any (WireCodable & Sendable).Type else {
                throw input.failure("the key type is not WireCodable")
            }
            return try withKey(key)
        }
        return try build(try input.function(as: (any MapFunction).self))
    }
}
