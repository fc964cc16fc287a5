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
struct IsEven: FilterFunction {
    static let name = "test.IsEven"
    func callAsFunction(_ input: Int) -> Bool { input.isMultiple(of: 2) }
    init() {}
    func encode(to writer: inout WireWriter) {}
    init(from reader: inout WireReader) throws(WireError) {}
    static var minimumWireSize: Int { 0 }
}

/// Splits a line on spaces.
struct Words: FlatMapFunction {
    static let name = "test.Words"
    func callAsFunction(_ line: String) -> [String] { line.split(separator: " ").map(String.init) }
    init() {}
    func encode(to writer: inout WireWriter) {}
    init(from reader: inout WireReader) throws(WireError) {}
    static var minimumWireSize: Int { 0 }
}

/// Adds.
struct Plus: ReduceFunction {
    static let name = "test.Plus"
    func callAsFunction(_ a: Int, _ b: Int) -> Int { a + b }
    init() {}
    func encode(to writer: inout WireWriter) {}
    init(from reader: inout WireReader) throws(WireError) {}
    static var minimumWireSize: Int { 0 }
}

/// Claims Scale's name, to test duplicate detection.
struct Impostor: MapFunction {
    static let name = "test.Scale"
    func callAsFunction(_ input: Int) -> Int { input }
    init() {}
    func encode(to writer: inout WireWriter) {}
    init(from reader: inout WireReader) throws(WireError) {}
    static var minimumWireSize: Int { 0 }
}

/// Applies a resolved map function, whatever its type, to a type-erased input.
func applyResolved(_ function: any RegisteredFunction, to input: Any) -> Any? {
    func open<F: MapFunction>(_ f: F) -> Any? { (input as? F.Input).flatMap { try? f($0) } }
    guard let map = function as? any MapFunction else { return nil }
    return open(map)
}

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
