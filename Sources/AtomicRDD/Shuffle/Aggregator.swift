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
