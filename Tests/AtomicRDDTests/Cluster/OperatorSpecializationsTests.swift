import Testing
@testable import AtomicRDD

/// The operators compiled for a registered function's own type: each computes
/// what the generic operator computes, declines a parent or a function of
/// other types, and is what a worker's rebuilt lineage takes first.
@Suite struct OperatorSpecializationsTests {
    typealias S = StandardFunctions
    typealias Key = OperatorSpecializations.Key

    static func key(_ types: Any.Type...) -> Key { types.map(ObjectIdentifier.init) }

    @Test func theStandardFormsCoverEveryStandardFunction() {
        let standard = OperatorSpecializations.standard
        #expect(standard.functionMaps[Self.key(S.WithOne.self)] != nil)
        #expect(standard.functionMaps[Self.key(S.KeyedLine.self)] != nil)
        #expect(standard.functionFlatMaps[Self.key(S.Words.self)] != nil)
        #expect(standard.functionRecords[Self.key(S.Int64Pair.self)] != nil)
        for key in [Int.self, Word.self, String.self] as [any ShuffleKey.Type] {
            #expect(standard.functionReductions[[ObjectIdentifier(key), ObjectIdentifier(S.SumInts.self)]] != nil, "\(key)")
        }
        #expect(OperatorSpecializations().functionMaps.isEmpty)
    }

    @Test func eachFormComputesWhatTheGenericOperatorDoes() async throws {
        let sc = try await Context(config: .local(cores: 2))
        let standard = OperatorSpecializations.standard
        let lines = sc.parallelize(["a b a", "", "b  c a", "3,x,y"], numPartitions: 2)

        let words = try #require(standard.functionFlatMaps[Self.key(S.Words.self)]?(lines, S.Words()) as? RDD<Word>)
        #expect(try await words.collect() == lines.flatMap(S.Words()).collect())
        #expect(try await words.count() == 7)

        let pairs = try #require(standard.functionMaps[Self.key(S.WithOne.self)]?(words, S.WithOne()) as? RDD<(Word, Int)>)
        let sums = try #require(standard.functionReductions[Self.key(Word.self, S.SumInts.self)]?(pairs, 3, S.SumInts())
            as? RDD<(Word, Int)>)
        #expect(sums.getNumPartitions() == 3)
        let counted = Dictionary(uniqueKeysWithValues: try await sums.collect().map { ($0.0.description, $0.1) })
        #expect(counted == ["a": 3, "b": 2, "c": 1, "3,x,y": 1])

        let keyed = try #require(standard.functionMaps[Self.key(S.KeyedLine.self)]?(lines.filter { $0.hasPrefix("3") }, S.KeyedLine())
            as? RDD<(Int, String)>)
        #expect(try await keyed.collect().map { "\($0.0)|\($0.1)" } == ["3|x,y"])
        // The function's own error still fails the job.
        let bad = try #require(standard.functionMaps[Self.key(S.KeyedLine.self)]?(lines, S.KeyedLine()) as? RDD<(Int, String)>)
        await #expect(throws: JobFailedError.self) { try await bad.collect() }
        await sc.stop()
    }

    @Test func binaryRecordsDecodeWithTheFunctionsOwnType() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var bytes: [UInt8] = []
        for i in 0..<100 {
            withUnsafeBytes(of: Int64(i % 7).littleEndian) { bytes += $0 }
            withUnsafeBytes(of: Int64(i).littleEndian) { bytes += $0 }
        }
        let file = try folder.write("pairs.bin", bytes: bytes)
        let sc = try await Context(config: .local(cores: 2))
        let entry = try #require(OperatorSpecializations.standard.functionRecords[Self.key(S.Int64Pair.self)])
        let records = try #require(try entry(sc, file, 3, S.Int64Pair()) as? RDD<(Int, Int)>)
        let all = try await records.collect()
        #expect(all.map(\.0) == (0..<100).map { $0 % 7 })
        #expect(all.map(\.1) == Array(0..<100))
        // Another decode function is not this form's.
        #expect(try entry(sc, file, 3, S.SumInts()) == nil)
        await sc.stop()
    }

    @Test func aParentOrAFunctionOfOtherTypesIsDeclined() async throws {
        let sc = try await Context(config: .local(cores: 1))
        let standard = OperatorSpecializations.standard
        let numbers = sc.parallelize([1, 2, 3], numPartitions: 1)
        let intPairs = numbers.map { ($0, $0) }
        #expect(standard.functionMaps[Self.key(S.WithOne.self)]?(numbers, S.WithOne()) == nil)
        #expect(standard.functionMaps[Self.key(S.WithOne.self)]?(numbers, S.KeyedLine()) == nil)
        #expect(standard.functionFlatMaps[Self.key(S.Words.self)]?(numbers, S.Words()) == nil)
        // Keyed by Word and SumInts: (Int, Int) pairs are not its parent.
        #expect(standard.functionReductions[Self.key(Word.self, S.SumInts.self)]?(intPairs, nil, S.SumInts()) == nil)
        #expect(standard.functionReductions[Self.key(Int.self, S.SumInts.self)]?(intPairs, nil, S.SumInts()) != nil)
        await sc.stop()
    }

    @Test func keysAndValuesOfStandardPairsAreCompiledForTheirTypes() async throws {
        let sc = try await Context(config: .local(cores: 1))
        let standard = OperatorSpecializations.standard
        let pairs = sc.parallelize([(1, 10), (2, 20), (1, 30)], numPartitions: 2)
        let keys = try #require(standard.keyProjections[Self.key(Int.self, Int.self)]?(pairs) as? RDD<Int>)
        let values = try #require(standard.valueProjections[Self.key(Int.self, Int.self)]?(pairs) as? RDD<Int>)
        #expect(try await keys.collect() == [1, 2, 1])
        #expect(try await values.collect() == [10, 20, 30])
        #expect(standard.valueProjections[Self.key(Int.self, Int.self)]?(sc.parallelize([1], numPartitions: 1)) == nil)
        await sc.stop()
    }

    @Test func rebuiltLineageTakesTheFunctionsFormFirst() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("lines.txt", "a b\nb\n")
        let registry = try FunctionRegistry(StandardFunctions.all)
        let driver = try await Context(config: .local(cores: 1).registering(registry))
        // A file, whose splits travel in the plan (parallelize's slices travel with each task).
        let lines = try driver.textFile(file, minPartitions: 2)
        let counts = lines.flatMap(S.Words()).map(S.WithOne()).reduceByKey(numPartitions: 2, S.SumInts())
        let plan = try LineagePlan(of: counts)

        // A form that marks what it builds: every count becomes 100.
        var marking = OperatorSpecializations()
        marking.functionReductions[Self.key(Word.self, S.SumInts.self)] = { parent, count, _ in
            (parent as? RDD<(Word, Int)>)?.reduceByKey(numPartitions: count) { _, _ in 0 }.mapValues { _ in 100 }
        }
        var config = Config.local(cores: 1).registering(registry)
        config.specializations = marking
        let worker = try await Context(config: config)
        let marked = try #require(try OperatorCatalog.rebuild(plan, in: worker)[counts.id] as? RDD<(Word, Int)>)
        #expect(Dictionary(uniqueKeysWithValues: try await marked.collect().map { ($0.0.description, $0.1) }) == ["a": 100, "b": 100])

        // With the standard forms the same plan counts.
        config.specializations = .standard
        let standard = try await Context(config: config)
        let rebuilt = try #require(try OperatorCatalog.rebuild(plan, in: standard)[counts.id] as? RDD<(Word, Int)>)
        #expect(Dictionary(uniqueKeysWithValues: try await rebuilt.collect().map { ($0.0.description, $0.1) }) == ["a": 1, "b": 2])
        for sc in [driver, worker, standard] { await sc.stop() }
    }
}
