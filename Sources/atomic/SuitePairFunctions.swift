import AtomicRDD
import AtomicTransport

/// Registered functions of the engine suite's pair, sorting, partitioning,
/// set-operation and persistence tests: registered in the `atomic`
/// executable so that those jobs also run on its worker processes.
/// Parameterized where one function serves several tests.
enum SuitePairFunctions {
    /// Every function type of the suite's pair tests.
    static let all: [any RegisteredFunction.Type] = [
        Extremum.self, SumAtMost.self, SumAndCount.self, ResidueSet.self, Greatest.self, Affine.self, Constant.self,
        Prefixed.self, UpToResidue.self, SkipValue.self, RepeatValue.self, ModuloPartitioner.self, ResidueWithOne.self,
        SlashPair.self, NegateKey.self, DivideBy.self, Residue.self, CountCalls.self, RecordPartition.self,
        ConcatPair.self, EqualPair.self, ProductPair.self, KeepNoPairs.self, SkewedKey.self, Opaque.Wrap.self,
    ]

    /// The least or the greatest of two integers.
    struct Extremum: ReduceFunction {
        static let name = "suite.extremum"
        var greatest: Bool
        init(greatest: Bool) { self.greatest = greatest }
        func callAsFunction(_ a: Int, _ b: Int) -> Int { greatest ? max(a, b) : min(a, b) }
        func encode(to writer: inout WireWriter) { writer.write(greatest) }
        init(from reader: inout WireReader) throws(WireError) { greatest = try reader.read() }
    }

    /// Adds integers, but throws when a sum passes `limit`: a reduction that fails its task.
    struct SumAtMost: ReduceFunction {
        static let name = "suite.sumAtMost"
        var limit: Int
        init(limit: Int) { self.limit = limit }
        func callAsFunction(_ a: Int, _ b: Int) throws -> Int {
            guard a + b <= limit else { throw EngineError.invalidArgument(operation: "sumAtMost", reason: "\(a + b) > \(limit)") }
            return a + b
        }
        func encode(to writer: inout WireWriter) { writer.write(limit) }
        init(from reader: inout WireReader) throws(WireError) { limit = try reader.read() }
    }

    /// (sum, count) of integers; with `failing`, every addition throws.
    struct SumAndCount: AggregateFunction {
        static let name = "suite.sumAndCount"
        var failing: Bool
        init(failing: Bool = false) { self.failing = failing }
        var zero: WirePair<Int, Int> { WirePair(0, 0) }
        func add(_ partial: WirePair<Int, Int>, _ x: Int) throws -> WirePair<Int, Int> {
            if failing { throw EngineError.invalidArgument(operation: "sumAndCount", reason: "failing on purpose") }
            return WirePair(partial.key + x, partial.value + 1)
        }
        func merge(_ a: WirePair<Int, Int>, _ b: WirePair<Int, Int>) -> WirePair<Int, Int> {
            WirePair(a.key + b.key, a.value + b.value)
        }
        func encode(to writer: inout WireWriter) { writer.write(failing) }
        init(from reader: inout WireReader) throws(WireError) { failing = try reader.read() }
    }

    /// The distinct residues of a key's values modulo `modulus`, as a combiner of another type.
    struct ResidueSet: CombineFunction {
        static let name = "suite.residueSet"
        var modulus: Int
        init(modulus: Int) { self.modulus = modulus }
        func create(_ value: Int) -> Set<Int> { [value % modulus] }
        func mergeValue(_ combiner: Set<Int>, _ value: Int) -> Set<Int> { combiner.union([value % modulus]) }
        func mergeCombiners(_ a: Set<Int>, _ b: Set<Int>) -> Set<Int> { a.union(b) }
        func encode(to writer: inout WireWriter) { writer.write(modulus) }
        init(from reader: inout WireReader) throws(WireError) { modulus = try reader.read() }
    }

    /// The greatest value of a key, as a combiner of the value's type.
    struct Greatest: CombineFunction, ParameterlessFunction {
        static let name = "suite.greatest"
        init() {}
        func create(_ value: Int) -> Int { value }
        func mergeValue(_ combiner: Int, _ value: Int) -> Int { max(combiner, value) }
        func mergeCombiners(_ a: Int, _ b: Int) -> Int { max(a, b) }
    }

    /// `x` → `x * multiplier + offset`.
    struct Affine: MapFunction {
        static let name = "suite.affine"
        var multiplier: Int
        var offset: Int
        init(multiplier: Int = 1, offset: Int = 0) {
            self.multiplier = multiplier
            self.offset = offset
        }
        func callAsFunction(_ x: Int) -> Int { x * multiplier + offset }
        func encode(to writer: inout WireWriter) { writer.write(multiplier); writer.write(offset) }
        init(from reader: inout WireReader) throws(WireError) {
            multiplier = try reader.read()
            offset = try reader.read()
        }
    }

    /// Any integer → `value`.
    struct Constant: MapFunction {
        static let name = "suite.constant"
        var value: Int
        init(value: Int) { self.value = value }
        func callAsFunction(_: Int) -> Int { value }
        func encode(to writer: inout WireWriter) { writer.write(value) }
        init(from reader: inout WireReader) throws(WireError) { value = try reader.read() }
    }

    /// `x` → `"\(prefix)\(x)"`.
    struct Prefixed: MapFunction {
        static let name = "suite.prefixed"
        var prefix: String
        init(prefix: String) { self.prefix = prefix }
        func callAsFunction(_ x: Int) -> String { "\(prefix)\(x)" }
        func encode(to writer: inout WireWriter) { writer.write(prefix) }
        init(from reader: inout WireReader) throws(WireError) { prefix = try reader.read() }
    }

    /// `x` → `0..<|x mod modulus|`.
    struct UpToResidue: FlatMapFunction {
        static let name = "suite.upToResidue"
        var modulus: Int
        init(modulus: Int) { self.modulus = modulus }
        func callAsFunction(_ x: Int) -> Range<Int> { 0..<abs(x % modulus) }
        func encode(to writer: inout WireWriter) { writer.write(modulus) }
        init(from reader: inout WireReader) throws(WireError) { modulus = try reader.read() }
    }

    /// `x` → `[x]`, or nothing when `x == skipped`.
    struct SkipValue: FlatMapFunction {
        static let name = "suite.skipValue"
        var skipped: Int
        init(skipped: Int) { self.skipped = skipped }
        func callAsFunction(_ x: Int) -> [Int] { x == skipped ? [] : [x] }
        func encode(to writer: inout WireWriter) { writer.write(skipped) }
        init(from reader: inout WireReader) throws(WireError) { skipped = try reader.read() }
    }

    /// `x` → `times` copies of `x`.
    struct RepeatValue: FlatMapFunction {
        static let name = "suite.repeatValue"
        var times: Int
        init(times: Int) { self.times = times }
        func callAsFunction(_ x: Int) -> [Int] { Array(repeating: x, count: times) }
        func encode(to writer: inout WireWriter) { writer.write(times) }
        init(from reader: inout WireReader) throws(WireError) { times = try reader.read() }
    }

    /// A registered partitioner: key modulo the count, or (`broken`) an index out of range.
    struct ModuloPartitioner: PartitionerFunction {
        static let name = "suite.moduloPartitioner"
        let partitionCount: Int
        var broken = false
        init(partitionCount: Int, broken: Bool = false) {
            self.partitionCount = partitionCount
            self.broken = broken
        }
        func partition(of key: Int) -> Int { broken ? partitionCount + 1 : ((key % partitionCount) + partitionCount) % partitionCount }
        func isEquivalent(to other: any Partitioner) -> Bool {
            (other as? ModuloPartitioner).map { $0.partitionCount == partitionCount && !$0.broken && !broken } ?? false
        }
        var description: String { "ModuloPartitioner(\(partitionCount))" }
        func encode(to writer: inout WireWriter) { writer.write(partitionCount); writer.write(broken) }
        init(from reader: inout WireReader) throws(WireError) {
            partitionCount = try reader.read()
            broken = try reader.read()
        }
    }

    /// `x` → `(x mod modulus, 1)`.
    struct ResidueWithOne: MapFunction {
        static let name = "suite.residueWithOne"
        var modulus: Int
        init(modulus: Int) { self.modulus = modulus }
        func callAsFunction(_ x: Int) -> (Int, Int) { (x % modulus, 1) }
        func encode(to writer: inout WireWriter) { writer.write(modulus) }
        init(from reader: inout WireReader) throws(WireError) { modulus = try reader.read() }
    }

    /// `(a, b)` → `"a/b"`.
    struct SlashPair: MapFunction, ParameterlessFunction {
        static let name = "suite.slashPair"
        init() {}
        func callAsFunction(_ pair: (Int, Int)) -> String { "\(pair.0)/\(pair.1)" }
    }

    /// `(k, v)` → `(-k, v)`.
    struct NegateKey: MapFunction, ParameterlessFunction {
        static let name = "suite.negateKey"
        init() {}
        func callAsFunction(_ pair: (Int, Int)) -> (Int, Int) { (-pair.0, pair.1) }
    }

    /// `x` → `x / divisor`.
    struct DivideBy: MapFunction {
        static let name = "suite.divideBy"
        var divisor: Int
        init(divisor: Int) { self.divisor = divisor }
        func callAsFunction(_ x: Int) -> Int { x / divisor }
        func encode(to writer: inout WireWriter) { writer.write(divisor) }
        init(from reader: inout WireReader) throws(WireError) { divisor = try reader.read() }
    }

    /// `x` → `x mod modulus` (the last decimal digit with 10).
    struct Residue: MapFunction {
        static let name = "suite.residue"
        var modulus: Int
        init(modulus: Int) { self.modulus = modulus }
        func callAsFunction(_ x: Int) -> Int { x % modulus }
        func encode(to writer: inout WireWriter) { writer.write(modulus) }
        init(from reader: inout WireReader) throws(WireError) { modulus = try reader.read() }
    }

    /// Passes integers through, adding 1 to an accumulator for each (or, with
    /// `only`, for each equal to it): counts how often a partition is computed.
    struct CountCalls: MapFunction {
        static let name = "suite.countCalls"
        var counter: AccumulatorHandle<SumAccumulator<Int>>
        var only: Int?
        init(counter: AccumulatorHandle<SumAccumulator<Int>>, only: Int? = nil) {
            self.counter = counter
            self.only = only
        }
        func callAsFunction(_ x: Int) -> Int {
            if only == nil || only == x { counter.add(1) }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(counter); writer.write(only) }
        init(from reader: inout WireReader) throws(WireError) {
            counter = try reader.read()
            only = try reader.read()
        }
    }

    /// Passes integers through, adding the running task's partition to an accumulator.
    struct RecordPartition: MapFunction {
        static let name = "suite.recordPartition"
        var visited: AccumulatorHandle<CollectionAccumulator<Int>>
        init(visited: AccumulatorHandle<CollectionAccumulator<Int>>) { self.visited = visited }
        func callAsFunction(_ x: Int) -> Int {
            if let task = TaskContext.current { visited.add(task.partition) }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(visited) }
        init(from reader: inout WireReader) throws(WireError) { visited = try reader.read() }
    }

    /// `(x, s)` → `"\(x)\(s)"`.
    struct ConcatPair: MapFunction, ParameterlessFunction {
        static let name = "suite.concatPair"
        init() {}
        func callAsFunction(_ pair: (Int, String)) -> String { "\(pair.0)\(pair.1)" }
    }

    /// Keeps pairs of equal integers.
    struct EqualPair: FilterFunction, ParameterlessFunction {
        static let name = "suite.equalPair"
        init() {}
        func callAsFunction(_ pair: (Int, Int)) -> Bool { pair.0 == pair.1 }
    }

    /// `(a, b)` → `a * b`.
    struct ProductPair: MapFunction, ParameterlessFunction {
        static let name = "suite.productPair"
        init() {}
        func callAsFunction(_ pair: (Int, Int)) -> Int { pair.0 * pair.1 }
    }

    /// Keeps no pair.
    struct KeepNoPairs: FilterFunction, ParameterlessFunction {
        static let name = "suite.keepNoPairs"
        init() {}
        func callAsFunction(_: (Int, Int)) -> Bool { false }
    }

    /// `x` → `(hot, x)` for every multiple of `every`, else `(x * multiplier mod modulus, x)`:
    /// many distinct keys, and one key holding a share of the pairs.
    struct SkewedKey: MapFunction {
        static let name = "suite.skewedKey"
        var every: Int
        var hot: Int
        var multiplier: Int
        var modulus: Int
        init(every: Int, hot: Int, multiplier: Int, modulus: Int) {
            self.every = every
            self.hot = hot
            self.multiplier = multiplier
            self.modulus = modulus
        }
        func callAsFunction(_ x: Int) -> (Int, Int) { (x % every == 0 ? hot : (x * multiplier) % modulus, x) }
        func encode(to writer: inout WireWriter) {
            writer.write(every)
            writer.write(hot)
            writer.write(multiplier)
            writer.write(modulus)
        }
        init(from reader: inout WireReader) throws(WireError) {
            every = try reader.read()
            hot = try reader.read()
            multiplier = try reader.read()
            modulus = try reader.read()
        }
    }

    /// A value that is not ``WireCodable``: RDDs of it run on workers, but it cannot cross a shuffle.
    struct Opaque: Sendable {
        var text: String

        /// `text` → `Opaque(text)`.
        struct Wrap: MapFunction, ParameterlessFunction {
            static let name = "suite.opaque.wrap"
            init() {}
            func callAsFunction(_ text: String) -> Opaque { Opaque(text: text) }
        }
    }
}
