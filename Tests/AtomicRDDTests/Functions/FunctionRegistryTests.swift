import AtomicTransport
import Testing
@testable import AtomicRDD

/// Multiplies by a factor carried as a parameter.
struct Scale: MapFunction {
    static let name = "test.Scale"
    var factor: Int
    func callAsFunction(_ input: Int) -> Int { input * factor }
    init(factor: Int) { self.factor = factor }
    func encode(to writer: inout WireWriter) { writer.write(factor) }
    init(from reader: inout WireReader) throws(WireError) { factor = try reader.read() }
}

/// Keeps even numbers.
struct IsEven: FilterFunction, ParameterlessFunction {
    static let name = "test.IsEven"
    func callAsFunction(_ input: Int) -> Bool { input.isMultiple(of: 2) }
}

/// Splits a line on spaces.
struct Words: FlatMapFunction, ParameterlessFunction {
    static let name = "test.Words"
    func callAsFunction(_ line: String) -> [String] { line.split(separator: " ").map(String.init) }
}

/// Adds.
struct Plus: ReduceFunction, ParameterlessFunction {
    static let name = "test.Plus"
    func callAsFunction(_ a: Int, _ b: Int) -> Int { a + b }
}

/// Claims Scale's name, to test duplicate detection.
struct Impostor: MapFunction, ParameterlessFunction {
    static let name = "test.Scale"
    func callAsFunction(_ input: Int) -> Int { input }
}

/// Applies a resolved map function, whatever its type, to a type-erased input.
func applyResolved(_ function: any RegisteredFunction, to input: Any) -> Any? {
    func open<F: MapFunction>(_ f: F) -> Any? { (input as? F.Input).flatMap { try? f($0) } }
    guard let map = function as? any MapFunction else { return nil }
    return open(map)
}

extension EngineSuite {
    @Suite struct FunctionRegistryTests {
        static let registry = try! FunctionRegistry([Scale.self, IsEven.self, Words.self, Plus.self])

        @Test func resolvesADescriptorByNameWithItsParameters() throws {
            let descriptor = Scale(factor: 7).descriptor
            #expect(descriptor.name == "test.Scale")
            let decoded = try FunctionDescriptor(wireBytes: descriptor.wireBytes())
            let function = try Self.registry.resolve(decoded)
            #expect((function as? Scale)?.factor == 7)
            #expect(applyResolved(function, to: 6) as? Int == 42)
        }

        @Test func unknownNamesAndBadParametersAreTypedErrors() {
            #expect(throws: RegistryError.unknownFunction("nope")) {
                try Self.registry.resolve(FunctionDescriptor(name: "nope", parameters: []))
            }
            #expect(throws: RegistryError.self) {
                try Self.registry.resolve(FunctionDescriptor(name: "test.Scale", parameters: [1, 2]))
            }
            #expect(throws: RegistryError.duplicateName("test.Scale")) {
                try FunctionRegistry([Scale.self, Impostor.self])
            }
        }

        @Test func fingerprintDependsOnTheRegisteredFunctions() throws {
            let same = try FunctionRegistry([Plus.self, Words.self, IsEven.self, Scale.self])
            #expect(same.fingerprint == Self.registry.fingerprint)
            #expect(try FunctionRegistry([Scale.self]).fingerprint != Self.registry.fingerprint)
            #expect(Self.registry.names == ["test.IsEven", "test.Plus", "test.Scale", "test.Words"])
        }

        // Stays on .all: checks a closure's RDD is marked as one (a closure by design), with test-only functions workers do not register.
        @Test(arguments: EngineSetup.all)
        func registeredFunctionsRunAndAreRecordedInTheLineage(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let lines = sc.parallelize(["1 2 3", "4 5", "6"], numPartitions: 2)
                let numbers = lines.flatMap(Words()).map { Int($0)! }
                let scaled = numbers.map(Scale(factor: 10)).filter(IsEven())
                #expect(try await scaled.collect() == [10, 20, 30, 40, 50, 60])
                #expect(try await scaled.reduce(Plus()) == 210)
                #expect(try await scaled.fold(0, Plus()) == 210)
                #expect(scaled.function?.name == "test.IsEven")
                #expect(!scaled.runsUserClosure)
                #expect(numbers.runsUserClosure)
                #expect(scaled.toDebugString().contains("<test.Scale>"))
            }
        }
    }
}

/// (sum, count) of integers.
struct SumAndCount: AggregateFunction, ParameterlessFunction {
    static let name = "test.SumAndCount"
    var zero: WirePair<Int, Int> { WirePair(0, 0) }
    func add(_ partial: WirePair<Int, Int>, _ input: Int) -> WirePair<Int, Int> { WirePair(partial.key + input, partial.value + 1) }
    func merge(_ a: WirePair<Int, Int>, _ b: WirePair<Int, Int>) -> WirePair<Int, Int> { WirePair(a.key + b.key, a.value + b.value) }
}

/// Collects a key's values as a sorted array.
struct SortedValues: CombineFunction, ParameterlessFunction {
    static let name = "test.SortedValues"
    func create(_ value: Int) -> [Int] { [value] }
    func mergeValue(_ combiner: [Int], _ value: Int) -> [Int] { (combiner + [value]).sorted() }
    func mergeCombiners(_ a: [Int], _ b: [Int]) -> [Int] { (a + b).sorted() }
}

/// Orders by the last decimal digit, then by value.
struct ByLastDigit: OrderingFunction, ParameterlessFunction {
    static let name = "test.ByLastDigit"
    func callAsFunction(_ a: Int, _ b: Int) -> Bool { (a % 10, a) < (b % 10, b) }
}

/// Adds each element of the left partition to the right one's, pairwise.
struct PairwiseSum: ZipPartitionsFunction, ParameterlessFunction {
    static let name = "test.PairwiseSum"
    func callAsFunction(_ left: PartitionIterator<Int>, _ right: PartitionIterator<Int>) -> [Int] {
        zip(Array(left), Array(right)).map { $0 + $1 }
    }
}

extension EngineSuite {
    @Suite struct RegisteredOperatorTests {
        // Stays on .all: CountInto carries its accumulator by reference (in-process by design); the same registered
        // actions run on worker processes in ActionTests and ZipTests.
        @Test(arguments: EngineSetup.all)
        func aggregationOrderingAndPartitionFunctions(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let numbers = sc.parallelize(Array(1...40), numPartitions: 4)
                let total = try await numbers.aggregate(SumAndCount())
                #expect(total.key == 820 && total.value == 40)
                let tree = try await numbers.treeAggregate(SumAndCount(), depth: 2)
                #expect(tree.key == 820 && tree.value == 40)
                #expect(try await numbers.treeReduce(Plus()) == 820)
                #expect(try await numbers.takeOrdered(3, by: ByLastDigit()) == [10, 20, 30])
                #expect(try await numbers.top(2, by: ByLastDigit()) == [39, 29])
                let pairs = numbers.map { ($0 % 3, $0) }
                let perKey = Dictionary(uniqueKeysWithValues: try await pairs.aggregateByKey(SumAndCount()).collect())
                #expect(perKey[0]?.key == (1...40).filter { $0 % 3 == 0 }.reduce(0, +))
                let grouped = Dictionary(uniqueKeysWithValues: try await pairs.combineByKey(SortedValues()).collect())
                #expect(grouped[1] == (1...40).filter { $0 % 3 == 1 })
                #expect(pairs.combineByKey(SortedValues()).function?.name == "test.SortedValues")
                let zipped = try numbers.zipPartitions(numbers.map { $0 * 10 }, PairwiseSum())
                #expect(try await zipped.collect() == (1...40).map { $0 * 11 })
                #expect(zipped.function?.name == "test.PairwiseSum")
                let sizes = sc.collectionAccumulator(Int.self)
                try await numbers.forEachPartition(CountInto(sizes))
                #expect(sizes.value.sorted() == [10, 10, 10, 10])
            }
        }
    }
}

/// Adds each partition's size to a collection accumulator (which it carries by
/// reference: accumulators are not wire data, so this one runs in-process only).
struct CountInto: PartitionForEachFunction {
    static let name = "test.CountInto"
    let sizes: Accumulator<CollectionAccumulator<Int>>?
    init(_ sizes: Accumulator<CollectionAccumulator<Int>>) { self.sizes = sizes }
    func callAsFunction(_ index: Int, _ records: PartitionIterator<Int>) { sizes?.add(records.reduce(0) { n, _ in n + 1 }) }
    func encode(to writer: inout WireWriter) {}
    init(from reader: inout WireReader) throws(WireError) { sizes = nil }
    static var minimumWireSize: Int { 0 }
}
