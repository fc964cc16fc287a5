import AtomicRDD
import AtomicTransport

/// Registered functions of the engine suite's tests of actions, zips,
/// sampling, `pipe`, output, shared variables and failures: registered in
/// the `atomic` executable so that those tests also run on `atomic --worker`
/// processes. Parameters are stored properties, so one function serves many tests.
public enum SuiteActionFunctions {
    /// Every function type of this list.
    static let all: [any RegisteredFunction.Type] = [
        SquareLabel.self, Padded.self, Countdown.self, ParseInt.self, Tally.self, TallyLines.self,
        FailWhen.self, NotEqual.self, Outside.self, CollectItems.self, CollectAttempts.self, AddToEvery.self,
        TallyThenFail.self, CollectPartitionSizes.self, ScaledSum.self, CountAndSum.self, Descending.self, TakeLeft.self,
        SumAndJoin.self, FirstOfPartition.self, RecordByteCount.self, RejectingKey.self,
    ]

    /// The error the failing functions throw: it is `WireCodable`, so a job
    /// failed on a worker process has it as its cause, as in local mode.
    /// Public: test files that do not import `atomic` name it through a typealias.
    public struct InjectedFailure: Error, Equatable, WireCodable {
        /// The partition of the task that failed.
        public let partition: Int
        /// A failure of `partition`.
        public init(partition: Int) { self.partition = partition }
        /// Writes the partition.
        public func encode(to writer: inout WireWriter) { writer.write(partition) }
        /// Reads the partition.
        public init(from reader: inout WireReader) throws(WireError) { partition = try reader.read() }
    }

    /// A custom accumulator: the longest string added.
    struct LongestString: AccumulatorKind, WireCodable {
        init() {}
        var zero: String { "" }
        func add(_ input: String, to value: inout String) { if input.count > value.count { value = input } }
        func merge(_ other: String, into value: inout String) { add(other, to: &value) }
        func encode(to writer: inout WireWriter) {}
        init(from reader: inout WireReader) throws(WireError) {}
        static var minimumWireSize: Int { 0 }
    }

    // MARK: Maps

    /// `x` → `"<prefix><x * x>"`.
    struct SquareLabel: MapFunction {
        static let name = "suite.actions.squareLabel"
        var prefix: String
        init(prefix: String) { self.prefix = prefix }
        func callAsFunction(_ x: Int) -> String { "\(prefix)\(x * x)" }
        func encode(to writer: inout WireWriter) { writer.write(prefix) }
        init(from reader: inout WireReader) throws(WireError) { prefix = try reader.read() }
    }

    /// `x` → `"<x> <fill repeated count times>"`.
    struct Padded: MapFunction {
        static let name = "suite.actions.padded"
        var fill: String, count: Int
        init(fill: String, count: Int) { (self.fill, self.count) = (fill, count) }
        func callAsFunction(_ x: Int) -> String { "\(x) \(String(repeating: fill, count: count))" }
        func encode(to writer: inout WireWriter) { writer.write(fill); writer.write(count) }
        init(from reader: inout WireReader) throws(WireError) { fill = try reader.read(); count = try reader.read() }
    }

    /// `x` → `String(start - x)`.
    struct Countdown: MapFunction {
        static let name = "suite.actions.countdown"
        var start: Int
        init(from start: Int) { self.start = start }
        func callAsFunction(_ x: Int) -> String { String(start - x) }
        func encode(to writer: inout WireWriter) { writer.write(start) }
        init(from reader: inout WireReader) throws(WireError) { start = try reader.read() }
    }

    /// A line holding a decimal integer → the integer; any other line is an error.
    struct ParseInt: MapFunction, ParameterlessFunction {
        static let name = "suite.actions.parseInt"
        init() {}
        func callAsFunction(_ line: String) throws -> Int {
            guard let value = Int(line) else { throw EngineError.invalidArgument(operation: "parseInt", reason: "'\(line.prefix(40))'") }
            return value
        }
    }

    /// Passes integers through, adding 1 (or the integer, with `addsValue`) to an accumulator.
    struct Tally: MapFunction {
        static let name = "suite.actions.tally"
        var counter: AccumulatorHandle<SumAccumulator<Int>>
        var addsValue: Bool
        init(_ counter: AccumulatorHandle<SumAccumulator<Int>>, addsValue: Bool = false) { (self.counter, self.addsValue) = (counter, addsValue) }
        func callAsFunction(_ x: Int) -> Int {
            counter.add(addsValue ? x : 1)
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(counter); writer.write(addsValue) }
        init(from reader: inout WireReader) throws(WireError) { counter = try reader.read(); addsValue = try reader.read() }
    }

    /// Passes lines through, adding 1 to an accumulator for each.
    struct TallyLines: MapFunction {
        static let name = "suite.actions.tallyLines"
        var counter: AccumulatorHandle<SumAccumulator<Int>>
        init(_ counter: AccumulatorHandle<SumAccumulator<Int>>) { self.counter = counter }
        func callAsFunction(_ line: String) -> String {
            counter.add(1)
            return line
        }
        func encode(to writer: inout WireWriter) { writer.write(counter) }
        init(from reader: inout WireReader) throws(WireError) { counter = try reader.read() }
    }

    /// Passes integers through, but throws ``InjectedFailure`` at an integer
    /// `x` with `x % valueModulus == valueRemainder`, in a task whose partition
    /// `p` has `p % partitionModulus == partitionRemainder` and whose attempt
    /// is below `attemptsBelow`: retries, exhausted retries, failed jobs.
    struct FailWhen: MapFunction {
        static let name = "suite.actions.failWhen"
        var partitionModulus = 1, partitionRemainder = 0
        var attemptsBelow = Int.max
        var valueModulus = 1, valueRemainder = 0

        /// Fails at `value` in any task.
        static func at(_ value: Int, attemptsBelow: Int = .max) -> FailWhen {
            FailWhen(attemptsBelow: attemptsBelow, valueModulus: .max, valueRemainder: value)
        }
        /// Fails at any element of `partition`.
        static func inPartition(_ partition: Int, attemptsBelow: Int = .max) -> FailWhen {
            FailWhen(partitionModulus: .max, partitionRemainder: partition, attemptsBelow: attemptsBelow)
        }

        init(partitionModulus: Int = 1, partitionRemainder: Int = 0, attemptsBelow: Int = .max, valueModulus: Int = 1, valueRemainder: Int = 0) {
            (self.partitionModulus, self.partitionRemainder, self.attemptsBelow) = (partitionModulus, partitionRemainder, attemptsBelow)
            (self.valueModulus, self.valueRemainder) = (valueModulus, valueRemainder)
        }

        func callAsFunction(_ x: Int) throws -> Int {
            // Outside a task the failure could not be placed: fail loudly rather than pass silently.
            guard let task = TaskContext.current else { throw InjectedFailure(partition: -1) }
            if task.partition % partitionModulus == partitionRemainder, task.attempt < attemptsBelow, x % valueModulus == valueRemainder {
                throw InjectedFailure(partition: task.partition)
            }
            return x
        }
        func encode(to writer: inout WireWriter) {
            writer.write(partitionModulus); writer.write(partitionRemainder); writer.write(attemptsBelow)
            writer.write(valueModulus); writer.write(valueRemainder)
        }
        init(from reader: inout WireReader) throws(WireError) {
            partitionModulus = try reader.read(); partitionRemainder = try reader.read(); attemptsBelow = try reader.read()
            valueModulus = try reader.read(); valueRemainder = try reader.read()
        }
    }

    // MARK: Filters

    /// Keeps integers other than `value`.
    struct NotEqual: FilterFunction {
        static let name = "suite.actions.notEqual"
        var value: Int
        init(_ value: Int) { self.value = value }
        func callAsFunction(_ x: Int) -> Bool { x != value }
        func encode(to writer: inout WireWriter) { writer.write(value) }
        init(from reader: inout WireReader) throws(WireError) { value = try reader.read() }
    }

    /// Keeps integers below `low` or above `high`.
    struct Outside: FilterFunction {
        static let name = "suite.actions.outside"
        var low: Int, high: Int
        init(below low: Int, above high: Int) { (self.low, self.high) = (low, high) }
        func callAsFunction(_ x: Int) -> Bool { x < low || x > high }
        func encode(to writer: inout WireWriter) { writer.write(low); writer.write(high) }
        init(from reader: inout WireReader) throws(WireError) { low = try reader.read(); high = try reader.read() }
    }

    // MARK: For each

    /// Adds each integer to a collection accumulator.
    struct CollectItems: ForEachFunction {
        static let name = "suite.actions.collectItems"
        var items: AccumulatorHandle<CollectionAccumulator<Int>>
        init(_ items: AccumulatorHandle<CollectionAccumulator<Int>>) { self.items = items }
        func callAsFunction(_ x: Int) { items.add(x) }
        func encode(to writer: inout WireWriter) { writer.write(items) }
        init(from reader: inout WireReader) throws(WireError) { items = try reader.read() }
    }

    /// Adds the running task's attempt number to a collection accumulator, once per element.
    struct CollectAttempts: ForEachFunction {
        static let name = "suite.actions.collectAttempts"
        var attempts: AccumulatorHandle<CollectionAccumulator<Int>>
        init(_ attempts: AccumulatorHandle<CollectionAccumulator<Int>>) { self.attempts = attempts }
        func callAsFunction(_ x: Int) { attempts.add(TaskContext.current?.attempt ?? -1) }
        func encode(to writer: inout WireWriter) { writer.write(attempts) }
        init(from reader: inout WireReader) throws(WireError) { attempts = try reader.read() }
    }

    /// Adds each integer to accumulators of every kind: a sum, half of it as a
    /// Double, a maximum, a collection, and a string of that many "x" to the longest string.
    struct AddToEvery: ForEachFunction {
        static let name = "suite.actions.addToEvery"
        var sum: AccumulatorHandle<SumAccumulator<Int>>
        var halves: AccumulatorHandle<SumAccumulator<Double>>
        var maximum: AccumulatorHandle<MaxAccumulator<Int>>
        var items: AccumulatorHandle<CollectionAccumulator<Int>>
        var longest: AccumulatorHandle<LongestString>
        init(sum: AccumulatorHandle<SumAccumulator<Int>>, halves: AccumulatorHandle<SumAccumulator<Double>>,
             maximum: AccumulatorHandle<MaxAccumulator<Int>>, items: AccumulatorHandle<CollectionAccumulator<Int>>,
             longest: AccumulatorHandle<LongestString>) {
            (self.sum, self.halves, self.maximum, self.items, self.longest) = (sum, halves, maximum, items, longest)
        }
        func callAsFunction(_ x: Int) {
            sum.add(x)
            halves.add(Double(x) / 2)
            maximum.add(x)
            items.add(x)
            longest.add(String(repeating: "x", count: x))
        }
        func encode(to writer: inout WireWriter) {
            writer.write(sum); writer.write(halves); writer.write(maximum); writer.write(items); writer.write(longest)
        }
        init(from reader: inout WireReader) throws(WireError) {
            sum = try reader.read(); halves = try reader.read(); maximum = try reader.read()
            items = try reader.read(); longest = try reader.read()
        }
    }

    /// Adds 1 to an accumulator for each integer, then throws ``InjectedFailure`` at `failAt`.
    struct TallyThenFail: ForEachFunction {
        static let name = "suite.actions.tallyThenFail"
        var counter: AccumulatorHandle<SumAccumulator<Int>>
        var failAt: Int
        init(_ counter: AccumulatorHandle<SumAccumulator<Int>>, failAt: Int) { (self.counter, self.failAt) = (counter, failAt) }
        func callAsFunction(_ x: Int) throws {
            counter.add(1)
            if x == failAt { throw InjectedFailure(partition: TaskContext.current?.partition ?? -1) }
        }
        func encode(to writer: inout WireWriter) { writer.write(counter); writer.write(failAt) }
        init(from reader: inout WireReader) throws(WireError) { counter = try reader.read(); failAt = try reader.read() }
    }

    /// Adds each partition's size to a collection accumulator.
    struct CollectPartitionSizes: PartitionForEachFunction {
        static let name = "suite.actions.collectPartitionSizes"
        var sizes: AccumulatorHandle<CollectionAccumulator<Int>>
        init(_ sizes: AccumulatorHandle<CollectionAccumulator<Int>>) { self.sizes = sizes }
        func callAsFunction(_ index: Int, _ records: PartitionIterator<Int>) { sizes.add(records.reduce(0) { n, _ in n + 1 }) }
        func encode(to writer: inout WireWriter) { writer.write(sizes) }
        init(from reader: inout WireReader) throws(WireError) { sizes = try reader.read() }
    }

    // MARK: Aggregations and orderings

    /// The sum of the integers, each multiplied by `factor`.
    struct ScaledSum: AggregateFunction {
        static let name = "suite.actions.scaledSum"
        var factor: Int
        init(factor: Int) { self.factor = factor }
        var zero: Int { 0 }
        func add(_ partial: Int, _ x: Int) -> Int { partial + x * factor }
        func merge(_ a: Int, _ b: Int) -> Int { a + b }
        func encode(to writer: inout WireWriter) { writer.write(factor) }
        init(from reader: inout WireReader) throws(WireError) { factor = try reader.read() }
    }

    /// The count and the sum of the integers, as (key: count, value: sum).
    struct CountAndSum: AggregateFunction, ParameterlessFunction {
        static let name = "suite.actions.countAndSum"
        init() {}
        var zero: WirePair<Int, Int> { WirePair(0, 0) }
        func add(_ partial: WirePair<Int, Int>, _ x: Int) -> WirePair<Int, Int> { WirePair(partial.key + 1, partial.value + x) }
        func merge(_ a: WirePair<Int, Int>, _ b: WirePair<Int, Int>) -> WirePair<Int, Int> { WirePair(a.key + b.key, a.value + b.value) }
    }

    /// Greater integers first.
    struct Descending: OrderingFunction, ParameterlessFunction {
        static let name = "suite.actions.descending"
        init() {}
        func callAsFunction(_ a: Int, _ b: Int) -> Bool { a > b }
    }

    // MARK: Partitions

    /// The left partition, whole; the right one is not read.
    struct TakeLeft: ZipPartitionsFunction, ParameterlessFunction {
        static let name = "suite.actions.takeLeft"
        init() {}
        func callAsFunction(_ left: PartitionIterator<Int>, _ right: PartitionIterator<Int>) -> [Int] { Array(left) }
    }

    /// `"<sum of the left partition>|<the right partition joined>"`.
    struct SumAndJoin: ZipPartitionsFunction, ParameterlessFunction {
        static let name = "suite.actions.sumAndJoin"
        init() {}
        func callAsFunction(_ left: PartitionIterator<Int>, _ right: PartitionIterator<String>) -> [String] {
            ["\(Array(left).reduce(0, +))|\(Array(right).joined())"]
        }
    }

    /// A partition's first line only: the rest is never read.
    struct FirstOfPartition: PartitionFunction, ParameterlessFunction {
        static let name = "suite.actions.firstOfPartition"
        init() {}
        func callAsFunction(_ index: Int, _ records: PartitionIterator<String>) -> [String] { records.next().map { [$0] } ?? [] }
    }

    // MARK: Binary records

    /// A 16-byte record → the number of bytes the decode sees.
    struct RecordByteCount: RecordDecodeFunction, ParameterlessFunction {
        static let name = "suite.actions.recordByteCount"
        static let recordLength = 16
        init() {}
        func callAsFunction(_ bytes: UnsafeRawBufferPointer) -> Int { bytes.count }
    }

    /// A 16-byte record → its first little-endian Int64; throws ``InjectedFailure`` at `rejected`.
    struct RejectingKey: RecordDecodeFunction {
        static let name = "suite.actions.rejectingKey"
        static let recordLength = 16
        var rejected: Int
        init(rejected: Int) { self.rejected = rejected }
        func callAsFunction(_ bytes: UnsafeRawBufferPointer) throws -> Int {
            let key = Int(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self)))
            if key == rejected { throw InjectedFailure(partition: TaskContext.current?.partition ?? -1) }
            return key
        }
        func encode(to writer: inout WireWriter) { writer.write(rejected) }
        init(from reader: inout WireReader) throws(WireError) { rejected = try reader.read() }
    }
}
