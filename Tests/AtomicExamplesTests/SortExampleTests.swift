import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct SortExampleTests {
        @Test(arguments: LocalSetup.all)
        func sorts_generated_pairs_by_key(setup: LocalSetup) async throws {
            let expected = (0..<2_000).map { SortExample.Record(key: SortExample.key(of: $0), value: $0) }
                .sorted { $0.key < $1.key }
            try await setup.run { sc in
                for partitions in [1, 4] {
                    let result = try await SortExample.sort(sc, records: 2_000, partitions: partitions)
                    #expect(result.count == 2_000)
                    #expect(result.ordered)
                    #expect(result.keysPreserved)
                    #expect(result.first.map(\.key) == expected.prefix(SortExample.shown).map(\.key))
                    #expect(result.last.map(\.key) == expected.suffix(SortExample.shown).map(\.key))
                    // Each shown record is a generated one.
                    #expect((result.first + result.last).allSatisfy { SortExample.key(of: $0.value) == $0.key })
                }
            }
        }

        @Test(arguments: LocalSetup.all)
        func sorting_nothing_and_fewer_records_than_partitions(setup: LocalSetup) async throws {
            try await setup.run { sc in
                let empty = try await SortExample.sort(sc, records: 0, partitions: 3)
                #expect(empty.count == 0 && empty.ordered && empty.keysPreserved && empty.first.isEmpty && empty.last.isEmpty)
                let few = try await SortExample.sort(sc, records: 3, partitions: 8)
                #expect(few.count == 3 && few.ordered && few.keysPreserved)
                #expect(few.first.map(\.key) == (0..<3).map(SortExample.key(of:)).sorted())
            }
        }

        @Test func the_partition_summary_notices_records_out_of_order() {
            var summary = SortExample.PartitionSummary()
            for key in [1, 5, 3] { summary.add(SortExample.Record(key: key, value: 0), keep: 2) }
            #expect(!summary.ordered)
            #expect(summary.count == 3 && summary.keySum == 9)
            #expect(summary.first.map(\.key) == [1, 5] && summary.last.map(\.key) == [5, 3])
        }
    }
}
