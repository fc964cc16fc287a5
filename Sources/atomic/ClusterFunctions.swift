import AtomicRDD
import Foundation

/// The registered functions of the `atomic` executable: what a job on a
/// multi-process cluster of `atomic` workers may name. Driver and workers build
/// the same registry, so their fingerprints match.
enum ClusterFunctions {
    /// Every function type, registered under its name.
    static let registry = try! FunctionRegistry(StandardFunctions.all + [
        SplitWords.self, PairWithOne.self, Square.self, IsEven.self, ModuloKey.self, FailOnce.self, Pause.self, PiInside.self, SlowOnProcess.self, FailOnProcess.self, CountEvens.self, AddFromTable.self,
        Utf8Length.self, LengthWithOne.self, PermutedKey.self, WithNegation.self,
    ] + SuitePairFunctions.all + SuiteActionFunctions.all + SuiteInspectionFunctions.all)

    /// Splits a line into words on ASCII whitespace.
    struct SplitWords: FlatMapFunction, ParameterlessFunction {
        static let name = "atomic.splitWords"
        init() {}
        func callAsFunction(_ line: String) -> [String] { line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    }

    /// `word` → `(word, 1)`.
    struct PairWithOne: MapFunction, ParameterlessFunction {
        static let name = "atomic.pairWithOne"
        init() {}
        func callAsFunction(_ word: String) -> (String, Int) { (word, 1) }
    }

    /// Adds two integers (the standard function).
    typealias Sum = StandardFunctions.SumInts

    /// `x` → `x * x`.
    struct Square: MapFunction, ParameterlessFunction {
        static let name = "atomic.square"
        init() {}
        func callAsFunction(_ x: Int) -> Int { x &* x }
    }

    /// Keeps even integers.
    struct IsEven: FilterFunction, ParameterlessFunction {
        static let name = "atomic.isEven"
        init() {}
        func callAsFunction(_ x: Int) -> Bool { x % 2 == 0 }
    }

    /// `x` → `(x mod modulus, x)`: a registered function with a parameter.
    struct ModuloKey: MapFunction {
        static let name = "atomic.moduloKey"
        var modulus: Int
        init(modulus: Int) { self.modulus = modulus }
        func callAsFunction(_ x: Int) -> (Int, Int) { (x % modulus, x) }
        func encode(to writer: inout WireWriter) { writer.write(modulus) }
        init(from reader: inout WireReader) throws(WireError) { modulus = try reader.read() }
    }

    /// Passes integers through, but the first attempt of any task whose input
    /// holds `poison` throws: a registered function for retry tests.
    struct FailOnce: MapFunction {
        static let name = "atomic.failOnce"
        var poison: Int
        init(poison: Int) { self.poison = poison }
        func callAsFunction(_ x: Int) throws -> Int {
            if x == poison, let task = TaskContext.current, task.attempt == 0 { throw EngineError.emptyRDD(operation: "failOnce \(x)") }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(poison) }
        init(from reader: inout WireReader) throws(WireError) { poison = try reader.read() }
    }

    /// Passes integers through, pausing `milliseconds` at each multiple of
    /// `every`: keeps tasks running long enough for tests to act mid-stage.
    struct Pause: MapFunction {
        static let name = "atomic.pause"
        var milliseconds: Int
        var every: Int
        init(milliseconds: Int, every: Int) {
            self.milliseconds = milliseconds
            self.every = max(1, every)
        }
        func callAsFunction(_ x: Int) -> Int {
            if x % every == 0 { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(milliseconds); writer.write(every) }
        init(from reader: inout WireReader) throws(WireError) {
            milliseconds = try reader.read()
            every = max(1, try reader.read())
        }
    }

    /// Passes integers through, sleeping `milliseconds` per element in the
    /// process `processId` only: a worker slowed on purpose.
    struct SlowOnProcess: MapFunction {
        static let name = "atomic.slowOnProcess"
        var processId: Int32
        var milliseconds: Int
        init(processId: Int32, milliseconds: Int) {
            self.processId = processId
            self.milliseconds = milliseconds
        }
        func callAsFunction(_ x: Int) -> Int {
            if ProcessInfo.processInfo.processIdentifier == processId { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(processId); writer.write(milliseconds) }
        init(from reader: inout WireReader) throws(WireError) {
            processId = try reader.read()
            milliseconds = try reader.read()
        }
    }

    /// Passes integers through, but always throws in the process `processId`: a
    /// worker whose tasks keep failing.
    struct FailOnProcess: MapFunction {
        static let name = "atomic.failOnProcess"
        var processId: Int32
        init(processId: Int32) { self.processId = processId }
        func callAsFunction(_ x: Int) throws -> Int {
            if ProcessInfo.processInfo.processIdentifier == processId { throw EngineError.invalidArgument(operation: "failOnProcess", reason: "bad worker") }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(processId) }
        init(from reader: inout WireReader) throws(WireError) { processId = try reader.read() }
    }

    /// Passes integers through, adding 1 to an accumulator for each even one.
    struct CountEvens: MapFunction {
        static let name = "atomic.countEvens"
        var evens: AccumulatorHandle<SumAccumulator<Int>>
        init(evens: AccumulatorHandle<SumAccumulator<Int>>) { self.evens = evens }
        func callAsFunction(_ x: Int) -> Int {
            if x % 2 == 0 { evens.add(1) }
            return x
        }
        func encode(to writer: inout WireWriter) { writer.write(evens) }
        init(from reader: inout WireReader) throws(WireError) { evens = try reader.read() }
    }

    /// `x` → `x + table[x mod table.count]`, the table a broadcast variable.
    struct AddFromTable: MapFunction {
        static let name = "atomic.addFromTable"
        var table: BroadcastHandle<[Int]>
        init(table: BroadcastHandle<[Int]>) { self.table = table }
        func callAsFunction(_ x: Int) throws -> Int {
            let values = try table.value()
            return x + values[x % values.count]
        }
        func encode(to writer: inout WireWriter) { writer.write(table) }
        init(from reader: inout WireReader) throws(WireError) { table = try reader.read() }
    }

    /// A line's length in UTF-8 bytes.
    struct Utf8Length: MapFunction, ParameterlessFunction {
        static let name = "atomic.utf8Length"
        init() {}
        func callAsFunction(_ line: String) -> Int { line.utf8.count }
    }

    /// A line → `(its length in UTF-8 bytes, 1)`.
    struct LengthWithOne: MapFunction, ParameterlessFunction {
        static let name = "atomic.lengthWithOne"
        init() {}
        func callAsFunction(_ line: String) -> (Int, Int) { (line.utf8.count, 1) }
    }

    /// `x` → `(x * multiplier mod modulus, x)`: with a multiplier prime to the
    /// modulus, keys that are a permutation of `0..<modulus`.
    struct PermutedKey: MapFunction {
        static let name = "atomic.permutedKey"
        var multiplier: Int
        var modulus: Int
        init(multiplier: Int, modulus: Int) {
            self.multiplier = multiplier
            self.modulus = modulus
        }
        func callAsFunction(_ x: Int) -> (Int, Int) { ((x &* multiplier) % modulus, x) }
        func encode(to writer: inout WireWriter) {
            writer.write(multiplier)
            writer.write(modulus)
        }
        init(from reader: inout WireReader) throws(WireError) {
            multiplier = try reader.read()
            modulus = try reader.read()
        }
    }

    /// `x` → `(x, -x)`.
    struct WithNegation: MapFunction, ParameterlessFunction {
        static let name = "atomic.withNegation"
        init() {}
        func callAsFunction(_ x: Int) -> (Int, Int) { (x, -x) }
    }
}
