import AtomicTransport

// How a worker rebuilds the per-partition steps of actions (see
// RDD+PartitionResults.swift), the zips, sampling, `pipe`, and the file
// sources `wholeTextFiles` and `binaryRecords`. Each builder calls the
// operator the driver called, with the types, arguments and registered
// function the recipe names.

extension OperatorCatalog {
    /// The builders of this file, by operator name (merged into the catalog's).
    static let actionBuilders: [String: @Sendable (Input) throws -> AnyRDD] = [
        "partitionReductions": partitionReductions, "partitionAggregates": partitionAggregates,
        "partitionOrdered": partitionOrdered, "forEach": forEachElement, "forEachPartition": forEachPartition,
        "textParts": textParts, "partitionExtremes": partitionExtremes, "partitionLeast": partitionLeast,
        "countByValue": countByValue, "partitionStats": partitionStats, "partitionHistograms": partitionHistograms,
        "partitionSums": partitionSums, "treeLevel": treeLevel,
        "zip": zip, "zipPartitions": zipPartitions, "zipWithIndex": zipWithIndex, "zipWithUniqueId": zipWithUniqueId,
        "mapPartitionsWithIndex": mapPartitionsWithIndex, "sample": sample, "randomSlice": randomSlice, "pipe": pipe,
        "wholeTextFiles": wholeTextFiles, "binaryRecordBytes": binaryRecordBytes,
    ]

    // MARK: Steps of actions with registered functions

    private static func partitionReductions(_ input: Input) throws -> AnyRDD {
        func build<F: ReduceFunction>(_ function: F) throws -> AnyRDD { try input.parent(as: F.Value.self).partitionReductions(function) }
        return try build(try input.function(as: (any ReduceFunction).self))
    }

    private static func partitionAggregates(_ input: Input) throws -> AnyRDD {
        func build<F: AggregateFunction>(_ function: F) throws -> AnyRDD { try input.parent(as: F.Input.self).partitionAggregates(function) }
        return try build(try input.function(as: (any AggregateFunction).self))
    }

    private static func partitionOrdered(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let n: Int = try arguments.read(), reversed: Bool = try arguments.read()
        func build<F: OrderingFunction>(_ function: F) throws -> AnyRDD {
            try input.parent(as: F.Input.self).partitionOrdered(n, by: function, reversed: reversed)
        }
        return try build(try input.function(as: (any OrderingFunction).self))
    }

    private static func forEachElement(_ input: Input) throws -> AnyRDD {
        func build<F: ForEachFunction>(_ function: F) throws -> AnyRDD { try input.parent(as: F.Input.self).forEachElement(function) }
        return try build(try input.function(as: (any ForEachFunction).self))
    }

    private static func forEachPartition(_ input: Input) throws -> AnyRDD {
        func build<F: PartitionForEachFunction>(_ function: F) throws -> AnyRDD {
            try input.parent(as: F.Input.self).forEachPartitionRecords(function)
        }
        return try build(try input.function(as: (any PartitionForEachFunction).self))
    }

    /// A round of a tree aggregation, merging with an ``AggregateFunction``'s
    /// `merge` or with a ``ReduceFunction``.
    private static func treeLevel(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let target: Int = try arguments.read()
        guard let codable = try input.type(0) as? any (WireCodable & Sendable).Type else {
            throw input.failure("the partial values are not WireCodable")
        }
        let function = try input.function()
        func withValue<U: WireCodable & Sendable>(_: U.Type) throws -> AnyRDD {
            let merge: (@Sendable (U, U) throws -> U)?
            if let aggregate = function as? any AggregateFunction {
                func closure<F: AggregateFunction>(_ f: F) -> Any { { @Sendable (a: F.Value, b: F.Value) throws -> F.Value in try f.merge(a, b) } }
                merge = closure(aggregate) as? @Sendable (U, U) throws -> U
            } else if let reduce = function as? any ReduceFunction {
                merge = reduce.erasedClosure as? @Sendable (U, U) throws -> U
            } else {
                merge = nil
            }
            guard let merge else { throw input.failure("\(type(of: function)) does not merge values of \(U.self)") }
            return try input.parent(as: U.self).treeLevel(target, function: function.descriptor, merge)
        }
        return try withValue(codable)
    }

    // MARK: Steps of actions without user code

    private static func textParts(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let temporary: String = try arguments.read()
        struct Parts: ElementVisitor {
            let temporary: String
            func visit<T: Sendable>(_ rdd: RDD<T>) -> AnyRDD { rdd.textParts(into: temporary) }
        }
        return try input.anyParent(0).open(Parts(temporary: temporary))
    }

    /// Opens the node's first type as a comparable element.
    private static func comparable(_ input: Input) throws -> any (Comparable & Sendable).Type {
        guard let type = try input.type(0) as? any (Comparable & Sendable).Type else { throw input.failure("the elements are not Comparable") }
        return type
    }

    /// Opens the node's first type as a numeric element.
    private static func numeric(_ input: Input) throws -> any NumericElement.Type {
        guard let type = try input.type(0) as? any NumericElement.Type else { throw input.failure("the elements are not numbers") }
        return type
    }

    private static func partitionExtremes(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let greatest: Bool = try arguments.read()
        func build<T: Comparable & Sendable>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).partitionExtremes(greatest: greatest) }
        return try build(try comparable(input))
    }

    private static func partitionLeast(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let n: Int = try arguments.read(), reversed: Bool = try arguments.read()
        func build<T: Comparable & Sendable>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).partitionLeast(n, reversed: reversed) }
        return try build(try comparable(input))
    }

    private static func countByValue(_ input: Input) throws -> AnyRDD {
        guard let key = try input.type(0) as? any ShuffleKey.Type else { throw input.failure("the elements are not ShuffleKeys") }
        func build<K: ShuffleKey>(_: K.Type) throws -> AnyRDD { try input.parent(as: K.self).valueCounts() }
        return try build(key)
    }

    private static func partitionStats(_ input: Input) throws -> AnyRDD {
        func build<T: NumericElement>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).partitionStats() }
        return try build(try numeric(input))
    }

    private static func partitionHistograms(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let boundaries: [Double] = try arguments.read()
        guard boundaries.count >= 2 else { throw input.failure("fewer than two bucket boundaries") }
        func build<T: NumericElement>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).partitionHistograms(boundaries) }
        return try build(try numeric(input))
    }

    private static func partitionSums(_ input: Input) throws -> AnyRDD {
        guard let type = try input.type(0) as? any (NumericElement & AdditiveArithmetic).Type else {
            throw input.failure("the elements cannot be added")
        }
        func build<T: NumericElement & AdditiveArithmetic>(_: T.Type) throws -> AnyRDD { try input.parent(as: T.self).partitionSums() }
        return try build(type)
    }

    // MARK: Zips

    private static func zip(_ input: Input) throws -> AnyRDD {
        struct Right<Left: Sendable>: ElementVisitor {
            let left: RDD<Left>
            func visit<T: Sendable>(_ rdd: RDD<T>) throws -> AnyRDD {
                try left.checkZippable(with: rdd, operation: "zip")
                return left.zipped(with: rdd)
            }
        }
        struct LeftSide: ElementVisitor {
            let right: AnyRDD
            func visit<T: Sendable>(_ rdd: RDD<T>) throws -> AnyRDD { try right.open(Right(left: rdd)) }
        }
        return try input.anyParent(0).open(LeftSide(right: try input.anyParent(1)))
    }

    private static func zipPartitions(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let preserves: Bool = try arguments.read()
        func build<F: ZipPartitionsFunction>(_ function: F) throws -> AnyRDD {
            try input.parent(0, as: F.Left.self).zipPartitions(try input.parent(1, as: F.Right.self), preservesPartitioning: preserves, function)
        }
        return try build(try input.function(as: (any ZipPartitionsFunction).self))
    }

    private static func zipWithIndex(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let starts: [Int] = try arguments.read()
        struct Indexed: ElementVisitor {
            let starts: [Int]
            func visit<T: Sendable>(_ rdd: RDD<T>) -> AnyRDD { rdd.zipWithIndex(starts: starts) }
        }
        let parent = try input.anyParent(0)
        guard starts.count == parent.partitionCount else { throw input.failure("\(starts.count) starts for \(parent.partitionCount) partitions") }
        return try parent.open(Indexed(starts: starts))
    }

    private static func zipWithUniqueId(_ input: Input) throws -> AnyRDD {
        struct Numbered: ElementVisitor {
            func visit<T: Sendable>(_ rdd: RDD<T>) -> AnyRDD { rdd.zipWithUniqueId() }
        }
        return try input.anyParent(0).open(Numbered())
    }

    // MARK: Narrow operators

    private static func mapPartitionsWithIndex(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let preserves: Bool = try arguments.read()
        func build<F: PartitionFunction>(_ function: F) throws -> AnyRDD {
            try input.parent(as: F.Input.self).mapPartitionsWithIndex(preservesPartitioning: preserves, function)
        }
        return try build(try input.function(as: (any PartitionFunction).self))
    }

    private static func sample(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let withReplacement: Bool = try arguments.read(), fraction: Double = try arguments.read(), seed: UInt64 = try arguments.read()
        struct Sampled: ElementVisitor {
            let withReplacement: Bool, fraction: Double, seed: UInt64
            func visit<T: Sendable>(_ rdd: RDD<T>) -> AnyRDD { rdd.sampled(withReplacement: withReplacement, fraction: fraction, seed: seed) }
        }
        return try input.anyParent(0).open(Sampled(withReplacement: withReplacement, fraction: fraction, seed: seed))
    }

    private static func randomSlice(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let lower: Double = try arguments.read(), upper: Double = try arguments.read(), seed: UInt64 = try arguments.read()
        guard lower <= upper else { throw input.failure("the slice \(lower)..<\(upper) is reversed") }
        struct Slice: ElementVisitor {
            let slice: Range<Double>, seed: UInt64
            func visit<T: Sendable>(_ rdd: RDD<T>) -> AnyRDD { rdd.randomSlice(slice, seed: seed) }
        }
        return try input.anyParent(0).open(Slice(slice: lower..<upper, seed: seed))
    }

    private static func pipe(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let command: String = try arguments.read(), commandArguments: [String] = try arguments.read()
        let environment: [String: String] = try arguments.read()
        struct Piped: ElementVisitor {
            let command: String, arguments: [String], environment: [String: String]
            func visit<T: Sendable>(_ rdd: RDD<T>) -> AnyRDD { rdd.pipe(command: command, arguments: arguments, environment: environment) }
        }
        return try input.anyParent(0).open(Piped(command: command, arguments: commandArguments, environment: environment))
    }

    // MARK: Sources

    private static func wholeTextFiles(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        // The driver's groups of files, not a new listing.
        return WholeTextFileRDD(context: input.context, groups: try arguments.read())
    }

    private static func binaryRecordBytes(_ input: Input) throws -> AnyRDD {
        var arguments = input.arguments
        let recordLength: Int = try arguments.read(), splits: [FileSplit] = try arguments.read()
        guard recordLength > 0 else { throw input.failure("record length \(recordLength) is not positive") }
        return BinaryRecordsRDD(context: input.context, splits: splits, recordLength: recordLength, codec: .wire([UInt8].self)) { [UInt8]($0) }
    }
}
