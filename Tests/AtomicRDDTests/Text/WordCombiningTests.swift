import Testing
@testable import AtomicRDD

extension EngineSuite {
/// `reduceByKey` over ``Word`` keys, whose combine tables hold words inline
/// or (past 16 bytes) on the heap: exact counts with a skewed vocabulary,
/// under a budget that makes every map and reduce task spill, and with more
/// partitions than words.
@Suite struct WordCombiningTests {
    /// 20 000 words: "the" a third of them, the rest from 2 000 words of 1 to
    /// 30 bytes, so some keys are long.
    static let words: [String] = (0..<20_000).map { i in
        i % 3 == 0 ? "the" : String(repeating: "w", count: 1 + (i * 7) % 30) + "\((i * 7919) % 2_000)"
    }

    static var expected: [String: Int] {
        var counts: [String: Int] = [:]
        for word in words { counts[word, default: 0] += 1 }
        return counts
    }

    static func counted(_ pairs: [(Word, Int)]) -> [String: Int] {
        Dictionary(pairs.map { ($0.0.description, $0.1) }, uniquingKeysWith: { a, b in
            Issue.record("a word twice in the result")
            return a + b
        })
    }

    @Test(arguments: EngineSetup.shippable)
    func countsEveryWordUnderATinyBudget(setup: EngineSetup) async throws {
        try await setup.run(memory: 64 << 10) { sc in
            let before = await sc.spills()
            let counts = try await sc.parallelize(Self.words, numPartitions: 4).words().map(StandardFunctions.WithOne())
                .reduceByKey(numPartitions: 3, StandardFunctions.SumInts()).collect()
            #expect(await sc.spills() > before, "nothing spilled under a budget of 64 KiB")
            #expect(Self.counted(counts) == Self.expected)
        }
    }

    @Test(arguments: EngineSetup.shippable)
    func countsEveryWordWithEmptyPartitions(setup: EngineSetup) async throws {
        try await setup.run { sc in
            let few = ["a", "bb", "a", String(repeating: "long", count: 6)]
            let counts = try await sc.parallelize(few, numPartitions: 8).words().map(StandardFunctions.WithOne())
                .reduceByKey(numPartitions: 6, StandardFunctions.SumInts()).collect()
            #expect(Self.counted(counts) == ["a": 2, "bb": 1, String(repeating: "long", count: 6): 1])
            let none = try await sc.parallelize([String](), numPartitions: 3).words().map(StandardFunctions.WithOne())
                .reduceByKey(numPartitions: 2, StandardFunctions.SumInts()).collect()
            #expect(none.isEmpty)
        }
    }
}
}
