import AtomicTransport

/// The builders of the operators that shuffle (and sort): they open the key and
/// value types the driver recorded, and take the compiled form when there is one.
extension OperatorCatalog {
    // MARK: Shuffles

    /// Opens the node's first two types as a shuffle key and a wire-codable value.
    static func withKeyAndValue(_ input: Input,
                                        _ body: (any ShuffleKey.Type, any (WireCodable & Sendable).Type) throws -> AnyRDD) throws -> AnyRDD {
        guard let key = try input.type(0) as? any ShuffleKey.Type else { throw input.failure("the key type is not a ShuffleKey") }
        guard let value = try input.type(1) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the value type is not WireCodable")
        }
        return try body(key, value)
    }

    static func numPartitions(_ input: Input) throws -> Int? {
        var arguments = input.arguments
        let count: Int = try arguments.read()
        return count < 0 ? nil : count
    }

    static func reduceByKey(_ input: Input) throws -> AnyRDD {
        let count = try numPartitions(input)
        let function = try input.function(as: (any ReduceFunction).self)
        let types = [try input.type(0), try input.type(1)]
        if let entry = input.specialized.functionReductions[OperatorSpecializations.key(types[0], type(of: function))],
           let rdd = entry(try input.anyParent(0), count, function) { return rdd }
        let combine = function.erasedClosure
        if let entry = input.specialized.reductions[types.map(ObjectIdentifier.init)],
           let rdd = entry(try input.anyParent(0), count, combine) { return rdd }
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    guard let combine = combine as? @Sendable (V, V) throws -> V else {
                        throw input.failure("\(Swift.type(of: function)) does not reduce \(V.self)")
                    }
                    return try input.parent(as: (K, V).self).reduceByKey(numPartitions: count, combine).registered(function)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    static func groupByKey(_ input: Input) throws -> AnyRDD {
        let count = try numPartitions(input)
        if let entry = input.specialized.groupings[try input.typeKey(2)], let rdd = entry(try input.anyParent(0), count, nil) {
            return rdd
        }
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    try input.parent(as: (K, V).self).groupByKey(numPartitions: count)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    static func join(_ input: Input) throws -> AnyRDD {
        if let entry = input.specialized.joins[try input.typeKey(3)],
           let rdd = entry(try input.anyParent(0), try input.anyParent(1), try numPartitions(input)) { return rdd }
        return try twoSided(input, .join)
    }

    /// The operators of two pair RDDs of one key type.
    enum TwoSided { case join, leftOuterJoin, rightOuterJoin, fullOuterJoin, cogroup }

    /// Rebuilds a join or cogroup of any kind for the node's key, value and other value types.
    static func twoSided(_ input: Input, _ kind: TwoSided) throws -> AnyRDD {
        let count = try numPartitions(input)
        guard let other = try input.type(2) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the right value type is not WireCodable")
        }
        return try withKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    func withOther<W: WireCodable & Sendable>(_: W.Type) throws -> AnyRDD {
                        let left = try input.parent(0, as: (K, V).self), right = try input.parent(1, as: (K, W).self)
                        switch kind {
                        case .join: return left.join(right, numPartitions: count)
                        case .leftOuterJoin: return left.leftOuterJoin(right, numPartitions: count)
                        case .rightOuterJoin: return left.rightOuterJoin(right, numPartitions: count)
                        case .fullOuterJoin: return left.fullOuterJoin(right, numPartitions: count)
                        case .cogroup: return left.cogroup(right, numPartitions: count)
                        }
                    }
                    return try withOther(other)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    // MARK: Sorting

    /// Opens the node's first two types as a comparable shuffle key and a wire-codable value.
    static func withOrderedKeyAndValue(
        _ input: Input, _ body: (any (ShuffleKey & Comparable).Type, any (WireCodable & Sendable).Type) throws -> AnyRDD
    ) throws -> AnyRDD {
        guard let key = try input.type(0) as? any (ShuffleKey & Comparable).Type else {
            throw input.failure("the key type is not a Comparable ShuffleKey")
        }
        guard let value = try input.type(1) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the value type is not WireCodable")
        }
        return try body(key, value)
    }

    static func sortByKey(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let ascending: Bool = try arguments.read(), count: Int = try arguments.read()
        let partitions = count < 0 ? nil : count
        if let entry = input.specialized.sorts[try input.typeKey(2)], let rdd = entry(try input.anyParent(0), ascending, partitions) {
            return try installBounds(rdd, input)
        }
        return try withOrderedKeyAndValue(input) { key, value in
            // The radix form when the key has one, as the driver's call chose.
            if let radix = key as? any (ShuffleKey & RadixSortableKey).Type {
                func withKey<K: ShuffleKey & RadixSortableKey>(_: K.Type) throws -> AnyRDD {
                    func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                        try installBounds(try input.parent(as: (K, V).self).sortByKey(ascending: ascending, numPartitions: partitions), input)
                    }
                    return try withValue(value)
                }
                return try withKey(radix)
            }
            func withKey<K: ShuffleKey & Comparable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    try installBounds(try input.parent(as: (K, V).self).sortByKey(ascending: ascending, numPartitions: partitions), input)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }

    /// Gives a rebuilt `sortByKey` the range bounds the driver sampled.
    static func installBounds(_ sorted: AnyRDD, _ input: Input) throws -> AnyRDD {
        guard !input.node.elements.isEmpty else { return sorted }
        guard let shuffle = sorted.dependencies.first as? ShuffleDependencyBase,
              let partitioner = shuffle.partitioner as? any ShippedPartitionerState else {
            throw input.failure("the driver sent range bounds for a shuffle without a sampled partitioner")
        }
        try partitioner.install(encodedBounds: input.node.elements)
        return sorted
    }

    static func sampleKeys(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let perPartition: Int = try arguments.read()
        if let entry = input.specialized.keySamples[try input.typeKey(2)], let rdd = entry(try input.anyParent(0), perPartition) {
            return rdd
        }
        return try withOrderedKeyAndValue(input) { key, value in
            func withKey<K: ShuffleKey & Comparable>(_: K.Type) throws -> AnyRDD {
                func withValue<V: WireCodable & Sendable>(_: V.Type) throws -> AnyRDD {
                    KeySampleRDD(parent: try input.parent(as: (K, V).self), perPartition: perPartition)
                }
                return try withValue(value)
            }
            return try withKey(key)
        }
    }
}
