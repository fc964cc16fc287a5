import Synchronization

/// What an accumulator adds up: its zero, how a task adds an input to its
/// partial value, and how the driver merges a task's partial value into the
/// total. Conform to make accumulators of your own.
///
/// ```swift
/// struct LongestLine: AccumulatorKind {
///     var zero: Int { 0 }
///     func add(_ line: String, to value: inout Int) { value = max(value, line.utf8.count) }
///     func merge(_ other: Int, into value: inout Int) { value = max(value, other) }
/// }
/// let longest = sc.accumulator(LongestLine())
/// ```
public protocol AccumulatorKind: Sendable {
    /// What tasks add.
    associatedtype Input: Sendable
    /// What is accumulated.
    associatedtype Value: Sendable
    /// The value before anything is added.
    var zero: Value { get }
    /// Adds one input to a value.
    func add(_ input: Input, to value: inout Value)
    /// Merges a task's partial value into a value.
    func merge(_ other: Value, into value: inout Value)
}

/// Adds numbers up.
public struct SumAccumulator<Number: AdditiveArithmetic & Sendable>: AccumulatorKind {
    /// A sum starting at zero.
    public init() {}
    /// Zero.
    public var zero: Number { .zero }
    /// Adds the input.
    public func add(_ input: Number, to value: inout Number) { value += input }
    /// Adds the partial sum.
    public func merge(_ other: Number, into value: inout Number) { value += other }
}

/// Keeps the greatest input (nil before any).
public struct MaxAccumulator<Item: Comparable & Sendable>: AccumulatorKind {
    /// A maximum of nothing yet.
    public init() {}
    /// Nil.
    public var zero: Item? { nil }
    /// Keeps the greater.
    public func add(_ input: Item, to value: inout Item?) { value = value.map { max($0, input) } ?? input }
    /// Keeps the greater.
    public func merge(_ other: Item?, into value: inout Item?) { if let other { add(other, to: &value) } }
}

/// Collects every input, in no particular order across tasks.
public struct CollectionAccumulator<Item: Sendable>: AccumulatorKind {
    /// An empty collection.
    public init() {}
    /// No items.
    public var zero: [Item] { [] }
    /// Appends the input.
    public func add(_ input: Item, to value: inout [Item]) { value.append(input) }
    /// Appends the task's items.
    public func merge(_ other: [Item], into value: inout [Item]) { value += other }
}

/// A variable that tasks add to and the driver reads, as Spark's accumulators.
///
/// Inside a task, `add` updates a partial value of the task; the driver merges
/// it when the task succeeds, once per partition: a retried task, or a
/// partition that runs twice, counts once. Outside a task, `add` updates the
/// total directly.
///
/// ```swift
/// let errors = sc.longAccumulator()
/// try await lines.forEach { if $0.hasPrefix("ERROR") { errors.add(1) } }
/// print(errors.value)
/// ```
public final class Accumulator<Kind: AccumulatorKind>: Sendable {
    /// The accumulator's id within its Context.
    public let id: Int
    /// What it accumulates.
    public let kind: Kind
    private let total: Mutex<Kind.Value>
    /// Where handles' partial values find this accumulator (see ``AccumulatorHandle``).
    let registry: AccumulatorRegistry?

    init(id: Int, kind: Kind, registry: AccumulatorRegistry? = nil) {
        self.id = id
        self.kind = kind
        self.total = Mutex(kind.zero)
        self.registry = registry
    }

    /// Adds `input`: to the running task's partial value, or to the total outside tasks.
    public func add(_ input: Kind.Input) {
        if let task = TaskContext.current {
            var update = task.accumulatorUpdates[id] as? PartialAccumulation<Kind>
                ?? PartialAccumulation(accumulator: self, value: kind.zero)
            task.accumulatorUpdates[id] = nil
            kind.add(input, to: &update.value)
            task.accumulatorUpdates[id] = update
        } else {
            total.withLock { kind.add(input, to: &$0) }
        }
    }

    /// The total of the updates of every successful task so far.
    public var value: Kind.Value { total.withLock { $0 } }

    /// Sets the total back to zero.
    public func reset() { total.withLock { $0 = kind.zero } }

    func merge(_ partial: Kind.Value) { total.withLock { kind.merge(partial, into: &$0) } }
}

/// A task's pending update of one accumulator, applied by the driver if the
/// task's partition counts for the first time.
public protocol AccumulatorUpdate: Sendable {
    /// Merges this update into its accumulator's total.
    func apply()
}

struct PartialAccumulation<Kind: AccumulatorKind>: AccumulatorUpdate {
    let accumulator: Accumulator<Kind>
    var value: Kind.Value
    func apply() { accumulator.merge(value) }
}
