import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// The in-place merge of sorted runs held in memory, against `sorted()`.
    @Suite struct SortedRunsTests {
        /// `count` runs of random keys (some empty, some sharing keys), each
        /// sorted by `radixImage ^ flip`; values number each run's records.
        static func runs(_ count: Int, seed: UInt64, flip: UInt64 = 0) -> [[(Int, String)]] {
            var generator = SplitMix64(seed: seed, stream: 0)
            return (0..<count).map { run in
                let length = run % 3 == 2 ? 0 : Int(generator.next() % 400)
                var records = (0..<length).map { (Int(truncatingIfNeeded: generator.next() % 50) - 25, "r\(run)#\($0)") }
                RadixSort.sort(&records, flip: flip)
                return records
            }
        }

        /// The run a record came from and its place in that run.
        static func origin(of record: (Int, String)) -> (run: Int, index: Int) {
            let parts = record.1.dropFirst().split(separator: "#")
            return (Int(parts[0])!, Int(parts[1])!)
        }

        @Test(arguments: [0, 1, 2, 3, 5, 16])
        func mergesLikeSortingTheConcatenation(runCount: Int) throws {
            for flip: UInt64 in [0, ~0] {
                let runs = Self.runs(runCount, seed: UInt64(runCount) &* 7 &+ flip, flip: flip)
                let all = runs.flatMap { $0 }
                var drained = SortedRuns.merged(runs, flip: flip)
                let merged = try drained.collect()
                #expect(merged.map(\.0) == (flip == 0 ? all.map(\.0).sorted() : all.map(\.0).sorted(by: >)))
                #expect(merged.map(\.1).sorted() == all.map(\.1).sorted(), "records lost or repeated")
                // Equal keys in run order, and within a run in its own order.
                #expect(zip(merged, merged.dropFirst()).allSatisfy { a, b in
                    a.0 != b.0 || Self.origin(of: a) < Self.origin(of: b)
                }, "equal keys out of run order")
                var pulled = SortedRuns.merged(runs, flip: flip)
                var one: [(Int, String)] = []
                while let record = try pulled.next() { one.append(record) }
                #expect(one.map(\.1) == merged.map(\.1), "pulling and draining differ")
                #expect(SortedRuns.merged(runs, flip: flip).expectedCount == all.count)
            }
        }

        @Test(arguments: [2, 4])
        func aDrainAfterPullsAndAfterAFailingBodyGoesOnWhereItStopped(runCount: Int) throws {
            struct Stop: Error {}
            let runs = Self.runs(runCount, seed: 99)
            let expected = try { var all = SortedRuns.merged(runs); return try all.collect().map(\.1) }()
            #expect(expected.count > 20)
            var records = SortedRuns.merged(runs)
            var seen: [String] = []
            for _ in 0..<5 { seen.append(try #require(try records.next()).1) }
            var calls = 0
            #expect(throws: Stop.self) {
                try records.forEach { record in
                    calls += 1
                    guard calls <= 7 else { throw Stop() }
                    seen.append(record.1)
                }
            }
            // The record handed to the failing body is consumed, as a pull would have it.
            seen.append(contentsOf: try records.collect().map(\.1))
            var withoutFailed = expected
            withoutFailed.remove(at: 12)
            #expect(seen == withoutFailed)
        }

        @Test func collectReservesTheKnownCount() throws {
            let runs = Self.runs(4, seed: 5)
            var records = SortedRuns.merged(runs)
            #expect(records.expectedCount == runs.reduce(0) { $0 + $1.count })
            let mapped = records.mapped { $0.0 * 2 }
            #expect(mapped.expectedCount == records.expectedCount)
            #expect(records.filtered { $0.0 > 0 }.expectedCount == 0)
            #expect(try records.collect().count == records.expectedCount)
            #expect(Records([1, 2, 3]).expectedCount == 3)
        }
    }
}
