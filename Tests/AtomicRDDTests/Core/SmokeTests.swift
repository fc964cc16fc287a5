import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct SmokeTests {
        @Test(arguments: EngineSetup.shippable)
        func wordCountRuns(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let lines = ["a b c", "a b", "a"]
                let counts = try await sc.parallelize(lines, numPartitions: 2)
                    .flatMap(ClusterFunctions.SplitWords())
                    .map(ClusterFunctions.PairWithOne())
                    .reduceByKey(ClusterFunctions.Sum())
                    .collect()
                #expect(Dictionary(uniqueKeysWithValues: counts) == ["a": 3, "b": 2, "c": 1])
                #expect(try await sc.range(0, 1000).count() == 1000)
            }
        }
    }
}
