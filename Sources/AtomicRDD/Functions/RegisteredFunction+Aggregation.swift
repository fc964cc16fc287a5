/// An aggregation as a registered function: a zero (usually a stored
/// property), how an element is added to a partial value, and how two partial
/// values merge: `aggregate`, `treeAggregate`, `aggregateByKey`.
///
/// ```swift
/// struct SumAndCount: AggregateFunction {
///     static let name = "SumAndCount"
///     var zero: WirePair<Int, Int> { WirePair(0, 0) }
///     func add(_ partial: WirePair<Int, Int>, _ x: Int) -> WirePair<Int, Int> { WirePair(partial.key + x, partial.value + 1) }
///     func merge(_ a: WirePair<Int, Int>, _ b: WirePair<Int, Int>) -> WirePair<Int, Int> { ... }
/// }
/// ```
public protocol AggregateFunction<Input, Value>: RegisteredFunction {
    /// The elements aggregated.
    associatedtype Input: Sendable
    /// The partial and final value.
    associatedtype Value: Sendable
    /// The value of no elements.
    var zero: Value { get }
    /// Adds an element to a partial value.
    func add(_ partial: Value, _ input: Input) throws -> Value
    /// Merges two partial values.
    func merge(_ a: Value, _ b: Value) throws -> Value
}

/// `combineByKey`'s three functions as a registered function.
public protocol CombineFunction<Value, Combiner>: RegisteredFunction {
    /// The values of a key.
    associatedtype Value: Sendable
    /// What values combine into.
    associatedtype Combiner: Sendable
    /// Makes a combiner from a key's first value.
    func create(_ value: Value) throws -> Combiner
    /// Adds a value to a combiner.
    func mergeValue(_ combiner: Combiner, _ value: Value) throws -> Combiner
    /// Merges two combiners.
    func mergeCombiners(_ a: Combiner, _ b: Combiner) throws -> Combiner
}

/// An ordering as a registered function: `takeOrdered(_:by:)`, `top(_:by:)`.
public protocol OrderingFunction<Input>: RegisteredFunction {
    /// The elements ordered.
    associatedtype Input: Sendable
    /// True when `a` comes before `b`.
    func callAsFunction(_ a: Input, _ b: Input) -> Bool
}

/// A function called with each partition's records for its effect: `forEachPartition`.
public protocol PartitionForEachFunction<Input>: RegisteredFunction {
    /// The partition's element type.
    associatedtype Input: Sendable
    /// Runs the function on partition `index`.
    func callAsFunction(_ index: Int, _ records: PartitionIterator<Input>) throws
}

/// A function over two partitions with the same index: `zipPartitions`.
public protocol ZipPartitionsFunction<Left, Right, Output>: RegisteredFunction {
    /// The first RDD's elements.
    associatedtype Left: Sendable
    /// The second RDD's elements.
    associatedtype Right: Sendable
    /// The sequence returned.
    associatedtype Output: Sequence, SendableMetatype where Output.Element: Sendable, Output.Iterator: SendableMetatype
    /// Transforms the two partitions.
    func callAsFunction(_ left: PartitionIterator<Left>, _ right: PartitionIterator<Right>) throws -> Output
}
