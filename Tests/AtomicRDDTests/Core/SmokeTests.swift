import Testing
@testable import AtomicRDD

extension EngineSuite {
    @Suite struct SmokeTests {
        @Test(arguments: EngineSetup.all)
        func wordCountRuns(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let lines = ["a b c", "a b", "a"]
                let counts = try await sc.parallelize(lines, numPartitions: 2)
                    .flatMap { $0.split(separator: " ").map(String.init) }
                    .map { ($0, 1) }
                    .reduceByKey(+)
                    .collect()
                #expect(Dictionary(uniqueKeysWithValues: counts) == ["a": 3, "b": 2, "c": 1])
                #expect(try await sc.range(0, 1000).count() == 1000)
            }
        }
    }
}
