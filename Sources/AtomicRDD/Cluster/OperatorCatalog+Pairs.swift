import AtomicTransport

/// The builders of the pair operations, set operations and repartitionings
/// that ship: aggregations by key with registered functions, operations into
/// a given partitioner (hash or ``PartitionerFunction``), the steps of the pair
/// actions and of the registered `sortBy` and `groupBy`.
extension OperatorCatalog {
    /// The builders of this file, by operator name.
    static let pairBuilders: [String: Builder] = [
        "foldByKey": foldByKey, "aggregateByKey": aggregateByKey, "combineByKey": combineByKey,
        "reduceByKeyInto": reduceByKeyInto, "groupByKeyInto": groupByKeyInto, "partitionBy": partitionBy,
        "repartitionAndSortWithinPartitions": repartitionAndSortWithinPartitions, "subtractByKey": subtractByKey,
        "keyCounts": keyCounts, "valuesOfKey": valuesOfKey, "shippedPairs": shippedPairs, "rangeSorted": rangeSorted,
        "keyedForSort": keyedForSort, "groupBy": groupBy, "intersection": { try setOperation($0, intersect: true) },
        "subtract": { try setOperation($0, intersect: false) }, "unionAll": unionAll, "coalesce": coalesce,
        "repartition": repartition, "cartesian": cartesian,
    ]

    /// The node's type at `index`, as the `Sendable` type it is.
    ///
    /// Every type these operators record is an RDD's element type or a key or
    /// value of one, which the driver's compiler checked is `Sendable`; and
    /// `Sendable` is a marker protocol, with no witness table, so its
    /// existential metatype has the layout of `Any.Type`. (A cast cannot check a
    /// marker protocol at run time.)
    private static func sendableType(_ input: Input, _ index: Int) throws -> any Sendable.Type {
        unsafeBitCast(try input.type(index), to: (any Sendable.Type).self)
    }

    // MARK: Aggregation by key

    private static func foldByKey(_ input: Input) throws -> AnyRDD {
        let function = try input.function(as: (any ReduceFunction).self)
        let combine = function.erasedClosure
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    guard let combine = combine as? @Sendable (V, V) throws -> V else {
                        throw input.failure("\(Swift.type(of: function)) does not fold \(V.self)")
                    }
                    var arguments = input.arguments
                    let count: Int = try arguments.read(), zero: V = try arguments.read()
                    return try input.parent(as: (K, V).self).foldByKey(zero: zero, numPartitions: count < 0 ? nil : count, combine)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func aggregateByKey(_ input: Input) throws -> AnyRDD {
        let function = try input.function(as: (any AggregateFunction).self)
        func closures<F: AggregateFunction>(_ f: F) -> (zero: Any, add: Any, merge: Any) {
            (f.zero, { @Sendable (a: F.Value, x: F.Input) throws -> F.Value in try f.add(a, x) },
             { @Sendable (a: F.Value, b: F.Value) throws -> F.Value in try f.merge(a, b) })
        }
        let (zero, add, merge) = closures(function)
        let count = try numPartitions(input)
        return try withKeyValueAndCombiner(input) { key, value, combiner in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: Sendable>(_: V.Type) throws -> AnyRDD {
                    func withCombiner<U: WireCodable & Sendable>(_: U.Type) throws -> AnyRDD {
                        guard let zero = zero as? U, let add = add as? @Sendable (U, V) throws -> U,
                              let merge = merge as? @Sendable (U, U) throws -> U else {
                            throw input.failure("\(Swift.type(of: function)) does not aggregate \(V.self) into \(U.self)")
                        }
                        return try input.parent(as: (K, V).self).aggregateByKey(zero: zero, numPartitions: count, seqOp: add, combOp: merge)
                    }
                    return try withCombiner(combiner)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func combineByKey(_ input: Input) throws -> AnyRDD {
        let function = try input.function(as: (any CombineFunction).self)
        func closures<F: CombineFunction>(_ f: F) -> (create: Any, add: Any, merge: Any) {
            ({ @Sendable (v: F.Value) throws -> F.Combiner in try f.create(v) },
             { @Sendable (c: F.Combiner, v: F.Value) throws -> F.Combiner in try f.mergeValue(c, v) },
             { @Sendable (a: F.Combiner, b: F.Combiner) throws -> F.Combiner in try f.mergeCombiners(a, b) })
        }
        let (create, add, merge) = closures(function)
        let count = try numPartitions(input)
        return try withKeyValueAndCombiner(input) { key, value, combiner in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: Sendable>(_: V.Type) throws -> AnyRDD {
                    func withCombiner<C: WireCodable & Sendable>(_: C.Type) throws -> AnyRDD {
                        guard let create = create as? @Sendable (V) throws -> C, let add = add as? @Sendable (C, V) throws -> C,
                              let merge = merge as? @Sendable (C, C) throws -> C else {
                            throw input.failure("\(Swift.type(of: function)) does not combine \(V.self) into \(C.self)")
                        }
                        return try input.parent(as: (K, V).self)
                            .combineByKey(createCombiner: create, mergeValue: add, mergeCombiners: merge, numPartitions: count)
                    }
                    return try withCombiner(combiner)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    /// Opens the node's types as a shuffle key, any value type and a wire-codable combiner.
    private static func withKeyValueAndCombiner(
        _ input: Input, _ body: (any ShuffleKey.Type, any Sendable.Type, any (WireCodable & Sendable).Type) throws -> AnyRDD
    ) throws -> AnyRDD {
        guard let key = try input.type(0) as? any ShuffleKey.Type else { throw input.failure("the key type is not a ShuffleKey") }
        guard let combiner = try input.type(2) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the combiner type is not WireCodable")
        }
        return try body(key, try sendableType(input, 1), combiner)
    }

    // MARK: Into a given partitioner

    /// The node's partitioner (its arguments' first field), and a reader past it.
    private static func placement<K: ShuffleKey>(
        _ input: Input, _: K.Type
    ) throws -> (partitioner: PlacedBy<K>, rest: WireReader) {
        var arguments = input.arguments
        switch try ShippedPlacement(from: &arguments) {
        case .hash(let count): return (.hash(HashPartitioner(partitions: count)), arguments)
        case .registered(let descriptor):
            guard let partitioner = try input.context.registry.resolve(descriptor) as? any KeyPartitioner<K> else {
                throw input.failure("\(descriptor.name) does not place keys of type \(K.self)")
            }
            return (.keyed(partitioner), arguments)
        case let .range(descending, bounds):
            guard let partitioner = try ShippedPlacement.rangePartitioner(of: K.self, descending: descending, bounds: bounds) else {
                throw input.failure("range bounds for keys of type \(K.self), which are not Comparable")
            }
            return (.keyed(partitioner), arguments)
        case .numPartitions: throw input.failure("expected a partitioner")
        }
    }

    /// A hash partitioner or a partitioner of keys of type `K`: the two kinds
    /// of partitioner the pair operations take, each with overloads of its own.
    enum PlacedBy<K: ShuffleKey> {
        case hash(HashPartitioner)
        case keyed(any KeyPartitioner<K>)
    }

    private static func reduceByKeyInto(_ input: Input) throws -> AnyRDD {
        let function = try input.function(as: (any ReduceFunction).self)
        let combine = function.erasedClosure
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    guard let combine = combine as? @Sendable (V, V) throws -> V else {
                        throw input.failure("\(Swift.type(of: function)) does not reduce \(V.self)")
                    }
                    let parent = try input.parent(as: (K, V).self)
                    switch try placement(input, K.self).partitioner {
                    case .hash(let hash): return parent.reduceByKey(partitioner: hash, combine)
                    case .keyed(let keyed): return parent.reduceByKey(partitioner: keyed, combine)
                    }
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func groupByKeyInto(_ input: Input) throws -> AnyRDD {
        try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    let parent = try input.parent(as: (K, V).self)
                    switch try placement(input, K.self).partitioner {
                    case .hash(let hash): return parent.groupByKey(partitioner: hash)
                    case .keyed(let keyed): return parent.groupByKey(partitioner: keyed)
                    }
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func partitionBy(_ input: Input) throws -> AnyRDD {
        // Into hash partitions, with the form compiled for the pair's types when there is one.
        var arguments = input.arguments
        if case .hash(let count) = try ShippedPlacement(from: &arguments),
           let entry = input.specialized.partitionings[try input.typeKey(2)],
           let rdd = entry(try input.anyParent(0), HashPartitioner(partitions: count)) {
            return rdd
        }
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    let parent = try input.parent(as: (K, V).self)
                    switch try placement(input, K.self).partitioner {
                    case .hash(let hash): return parent.partitionBy(hash)
                    case .keyed(let keyed): return parent.partitionBy(keyed)
                    }
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func repartitionAndSortWithinPartitions(_ input: Input) throws -> AnyRDD {
        try withOrderedKeyAndValue(input) { key, value in
            // The radix form when the key has one, as the driver's call chose.
            if let radix = key as? any (ShuffleKey & RadixSortableKey).Type {
                func withKey<K: ShuffleKey & RadixSortableKey>(_: K.Type) throws -> AnyRDD {
                    func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                        let parent = try input.parent(as: (K, V).self)
                        var (partitioner, rest) = try placement(input, K.self)
                        let ascending: Bool = try rest.read()
                        switch partitioner {
                        case .hash(let hash): return parent.repartitionAndSortWithinPartitions(partitioner: hash, ascending: ascending)
                        case .keyed(let keyed): return parent.repartitionAndSortWithinPartitions(partitioner: keyed, ascending: ascending)
                        }
                    }
                    return try withValue(value)
                }
                return try withKey(radix)
            }
            func withKey<K: ShuffleKey & Comparable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    let parent = try input.parent(as: (K, V).self)
                    var (partitioner, rest) = try placement(input, K.self)
                    let ascending: Bool = try rest.read()
                    switch partitioner {
                    case .hash(let hash): return parent.repartitionAndSortWithinPartitions(partitioner: hash, ascending: ascending)
                    case .keyed(let keyed): return parent.repartitionAndSortWithinPartitions(partitioner: keyed, ascending: ascending)
                    }
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func subtractByKey(_ input: Input) throws -> AnyRDD {
        let count = try numPartitions(input)
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    func withOther<W: Sendable>(_: W.Type) throws -> AnyRDD {
                        try input.parent(0, as: (K, V).self).subtractByKey(try input.parent(1, as: (K, W).self), numPartitions: count)
                    }
                    return try withOther(try sendableType(input, 2))
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    // MARK: Steps of the pair actions

    /// Opens the node's first two types as a hashable wire-codable key and any value type.
    private static func withHashableKey(_ input: Input, _ body: (any (WireCodable & Hashable & Sendable).Type, any Sendable.Type) throws -> AnyRDD)
        throws -> AnyRDD {
        guard let key = try input.type(0) as? any (WireCodable & Hashable & Sendable).Type else {
            throw input.failure("the key type is not WireCodable and Hashable")
        }
        return try body(key, try sendableType(input, 1))
    }

    private static func keyCounts(_ input: Input) throws -> AnyRDD {
        try withHashableKey(input) { key, value in
            func withKey<K: WireCodable & Hashable & Sendable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: Sendable>(_: V.Type) throws -> AnyRDD { try input.parent(as: (K, V).self).keyCounts() }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func valuesOfKey(_ input: Input) throws -> AnyRDD {
        try withHashableKey(input) { key, value in
            func withKey<K: WireCodable & Hashable & Sendable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: Sendable>(_: V.Type) throws -> AnyRDD {
                    var arguments = input.arguments
                    return try input.parent(as: (K, V).self).values(of: try arguments.read() as K)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func shippedPairs(_ input: Input) throws -> AnyRDD {
        func withKey<K: Sendable>(_: K.Type) throws -> AnyRDD {
            func withValue<V: Sendable>(_: V.Type) throws -> AnyRDD { try input.parent(as: (K, V).self).shippedPairs() }
            return try withValue(try sendableType(input, 1))
        }
        return try withKey(try sendableType(input, 0))
    }

    // MARK: Registered sortBy and groupBy

    private static func keyedForSort(_ input: Input) throws -> AnyRDD {
        func build<F: MapFunction>(_ function: F) throws -> AnyRDD {
            try input.parent(as: F.Input.self).keyed(by: { try function($0) }, name: "sortBy").registered(function)
        }
        return try build(try input.function(as: (any MapFunction).self))
    }

    private static func rangeSorted(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let ascending: Bool = try arguments.read(), descending: Bool = try arguments.read()
        return try withOrderedKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey & Comparable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    let partitioner = RangePartitioner<K>(bounds: try arguments.read(), descending: descending)
                    return try input.parent(as: (K, V).self).rangeSorted(partitioner, ascending: ascending)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    private static func groupBy(_ input: Input) throws -> AnyRDD {
        let count = try numPartitions(input)
        guard let element = try input.type(0) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the element type is not WireCodable")
        }
        guard let key = try input.type(1) as? any ShuffleKey.Type else { throw input.failure("the key type is not a ShuffleKey") }
        func build<F: MapFunction>(_ function: F) throws -> AnyRDD {
            let closure = { @Sendable (x: F.Input) throws -> F.Output in try function(x) }
            func withElement<T: WireCodable & Sendable>(_: T.Type) throws -> AnyRDD {
                func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                    guard let key = closure as? @Sendable (T) throws -> K else {
                        throw input.failure("\(F.self) does not key \(T.self) by \(K.self)")
                    }
                    return try input.parent(as: T.self).groupBy(numPartitions: count, key)
                }
                return try withKey(key)
            }
            return try withElement(element)
        }
        return try build(try input.function(as: (any MapFunction).self))
    }

    // MARK: Set operations and repartitioning

    private static func setOperation(_ input: Input, intersect: Bool) throws -> AnyRDD {
        guard let element = try input.type(0) as? any ShuffleKey.Type else { throw input.failure("the element type is not a ShuffleKey") }
        let count = try numPartitions(input)
        func build<T: ShuffleKey>(_: T.Type) throws -> AnyRDD {
            let left = try input.parent(0, as: T.self), right = try input.parent(1, as: T.self)
            return intersect ? left.intersection(right, numPartitions: count) : left.subtract(right, numPartitions: count)
        }
        return try build(element)
    }

    private static func unionAll(_ input: Input) throws -> AnyRDD {
        func build<T: Sendable>(_: T.Type) throws -> AnyRDD {
            input.context.union(try input.parents.indices.map { try input.parent($0, as: T.self) })
        }
        return try build(try sendableType(input, 0))
    }

    private static func coalesce(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let count: Int = try arguments.read()
        func build<T: Sendable>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).coalesce(count) }
        return try build(try sendableType(input, 0))
    }

    private static func repartition(_ input: Input) throws -> AnyRDD {
        guard let element = try input.type(0) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the element type is not WireCodable")
        }
        var arguments = input.arguments
        let count: Int = try arguments.read()
        func build<T: WireCodable & Sendable>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).repartition(count) }
        return try build(element)
    }

    private static func cartesian(_ input: Input) throws -> AnyRDD {
        func withLeft<A: Sendable>(_: A.Type) throws -> AnyRDD {
            func withRight<B: Sendable>(_: B.Type) throws -> AnyRDD {
                try input.parent(0, as: A.self).cartesian(try input.parent(1, as: B.self))
            }
            return try withRight(try sendableType(input, 1))
        }
        return try withLeft(try sendableType(input, 0))
    }
}
