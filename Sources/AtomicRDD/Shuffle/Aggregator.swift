/// How values of one key are combined across a shuffle, as in Spark's
/// `combineByKey`: the first value makes a combiner, later values merge into
/// it, and combiners from different map tasks merge on the reduce side.
///
/// Merges work in place, so a growing combiner (the array of `groupByKey`) is
/// never copied per value. The functions may throw (a user's function failing):
/// the error fails the task, like an error thrown by `map`'s function.
public struct Aggregator<Value, Combiner>: Sendable {
    /// Makes a combiner from a key's first value.
    public let createCombiner: @Sendable (Value) throws -> Combiner
    /// Adds a value to a combiner.
    public let mergeValue: @Sendable (inout Combiner, Value) throws -> Void
    /// Adds a combiner from another map task to a combiner.
    public let mergeCombiners: @Sendable (inout Combiner, Combiner) throws -> Void
    /// The user's own function behind ``mergeValue`` when it returns the new
    /// combiner (`reduceByKey`'s, `foldByKey`'s, `combineByKey`'s): the map
    /// side's record loop calls it directly, one call a record instead of
    /// ``mergeValue`` calling it.
    public let combineValue: (@Sendable (Combiner, Value) throws -> Combiner)?

    /// An aggregator from its three functions.
    public init(createCombiner: @escaping @Sendable (Value) throws -> Combiner,
                mergeValue: @escaping @Sendable (inout Combiner, Value) throws -> Void,
                mergeCombiners: @escaping @Sendable (inout Combiner, Combiner) throws -> Void) {
        self.createCombiner = createCombiner
        self.mergeValue = mergeValue
        self.mergeCombiners = mergeCombiners
        combineValue = nil
    }

    /// An aggregator from functions that return the merged combiner, as
    /// `combineByKey`, `foldByKey` and `aggregateByKey` take them.
    public init(createCombiner: @escaping @Sendable (Value) throws -> Combiner,
                combineValue: @escaping @Sendable (Combiner, Value) throws -> Combiner,
                combineCombiners: @escaping @Sendable (Combiner, Combiner) throws -> Combiner) {
        self.createCombiner = createCombiner
        mergeValue = { c, v in c = try combineValue(c, v) }
        mergeCombiners = { c, other in c = try combineCombiners(c, other) }
        self.combineValue = combineValue
    }
}

extension Aggregator where Value == Combiner {
    /// The aggregator of `reduceByKey(f)`: values are their own combiners.
    public static func reducing(_ f: @escaping @Sendable (Value, Value) throws -> Value) -> Aggregator {
        Aggregator(createCombiner: { $0 }, combineValue: f, combineCombiners: f)
    }
}

/// The two functions a map-side combine calls per record, as a type the
/// combine loop is specialized for: a record then costs one call of the user's
/// function, where a closure around it (``Aggregator/mergeValue`` calling
/// ``Aggregator/combineValue``) costs two.
protocol CombiningFunctions<Value, Combiner> {
    associatedtype Value
    associatedtype Combiner
    /// Makes a combiner from a key's first value.
    func create(_ value: Value) throws -> Combiner
    /// Adds a value to a combiner.
    func merge(_ combiner: inout Combiner, _ value: Value) throws
}

/// An aggregator's ``Aggregator/createCombiner`` and ``Aggregator/mergeValue``, read once.
struct MergingFunctions<Value, Combiner>: CombiningFunctions {
    private let makeCombiner: (Value) throws -> Combiner
    private let mergeValue: (inout Combiner, Value) throws -> Void

    init(_ aggregator: Aggregator<Value, Combiner>) {
        makeCombiner = aggregator.createCombiner
        mergeValue = aggregator.mergeValue
    }

    @inline(__always) func create(_ value: Value) throws -> Combiner { try makeCombiner(value) }
    @inline(__always) func merge(_ combiner: inout Combiner, _ value: Value) throws { try mergeValue(&combiner, value) }
}

/// An aggregator's ``Aggregator/createCombiner`` and the user's own
/// ``Aggregator/combineValue``, called directly for each merge.
struct ReturningFunctions<Value, Combiner>: CombiningFunctions {
    private let makeCombiner: (Value) throws -> Combiner
    private let combineValue: (Combiner, Value) throws -> Combiner

    init(create: @escaping (Value) throws -> Combiner, combine: @escaping (Combiner, Value) throws -> Combiner) {
        makeCombiner = create
        combineValue = combine
    }

    @inline(__always) func create(_ value: Value) throws -> Combiner { try makeCombiner(value) }
    @inline(__always) func merge(_ combiner: inout Combiner, _ value: Value) throws { combiner = try combineValue(combiner, value) }
}
