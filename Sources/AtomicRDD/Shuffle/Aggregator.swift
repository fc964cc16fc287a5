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

    /// An aggregator from its three functions.
    public init(createCombiner: @escaping @Sendable (Value) throws -> Combiner,
                mergeValue: @escaping @Sendable (inout Combiner, Value) throws -> Void,
                mergeCombiners: @escaping @Sendable (inout Combiner, Combiner) throws -> Void) {
        self.createCombiner = createCombiner
        self.mergeValue = mergeValue
        self.mergeCombiners = mergeCombiners
    }
}

extension Aggregator where Value == Combiner {
    /// The aggregator of `reduceByKey(f)`: values are their own combiners.
    public static func reducing(_ f: @escaping @Sendable (Value, Value) throws -> Value) -> Aggregator {
        Aggregator(createCombiner: { $0 },
                   mergeValue: { c, v in c = try f(c, v) },
                   mergeCombiners: { c, other in c = try f(c, other) })
    }
}
