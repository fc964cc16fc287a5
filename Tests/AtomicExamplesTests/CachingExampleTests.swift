import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct CachingExampleTests {
        @Test(arguments: LocalSetup.all)
        func the_second_count_reads_the_cache_and_unpersist_recomputes(setup: LocalSetup) async throws {
            try await setup.run { sc in
                let result = try await CachingExample.countTwice(sc, records: 1_000, partitions: 4)
                #expect(result.first.count == 1_000 && result.first.computed == 1_000)
                #expect(result.cached.count == 1_000 && result.cached.computed == 0)
                #expect(result.afterUnpersist.count == 1_000 && result.afterUnpersist.computed == 1_000)
            }
        }

        @Test(arguments: LocalSetup.all)
        func an_empty_range_computes_nothing(setup: LocalSetup) async throws {
            try await setup.run { sc in
                let result = try await CachingExample.countTwice(sc, records: 0, partitions: 2)
                #expect([result.first, result.cached, result.afterUnpersist].allSatisfy { $0.count == 0 && $0.computed == 0 })
            }
        }
    }
}
