import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// The radix sort and merge of sorting shuffles, against `sorted()` on the
    /// keys' own comparison.
    @Suite struct RadixSortTests {
        /// Key sets: random over the whole range, negative, duplicated, extremes,
        /// and around the small-count cut-over to comparison sort.
        static let intCases: [(name: String, keys: [Int])] = {
            var generator = SplitMix64(seed: 42, stream: 0)
            let random = (0..<5000).map { _ in Int(bitPattern: UInt(generator.next())) }
            let extremes = [Int.max, Int.min, 0, -1, 1, Int.max - 1, Int.min + 1]
            return [
                ("empty", []),
                ("one", [7]),
                ("small", [5, -3, 5, 0, -3, 9]),
                ("at the cut-over", (0..<RadixSort.smallCount).map { ($0 * 37) % 11 - 5 }),
                ("just above it", (0...RadixSort.smallCount).map { ($0 * 37) % 11 - 5 }),
                ("random over the whole range", random),
                ("negative", random.map { -abs($0 % 1_000_000) - 1 }),
                ("duplicates", (0..<3000).map { ($0 * 7) % 13 - 6 }),
                ("all equal", Array(repeating: 42, count: 500)),
                ("extremes", (0..<700).map { extremes[$0 % extremes.count] }),
                ("one byte differs", (0..<900).map { 0x1234_5600_0000 | ($0 * 31 % 256) }),
                ("low bits all equal", (0..<2000).map { ($0 * 7919 % 1000) << 20 | 0x5 }),
                ("30-bit keys, three 10-bit digits", random.map { abs($0 % 1_000_000_000) }),
                ("33-bit keys, three 11-bit digits", random.map { $0 & ((1 << 33) - 1) }),
                ("one bit differs", (0..<300).map { $0 % 3 == 0 ? 1 << 40 : 0 }),
            ]
        }()

        @Test func intKeysSortAsSortedDoesAndStably() {
            for (name, keys) in Self.intCases {
                // Values number the records, so stability shows: equal keys keep input order.
                var records = keys.enumerated().map { ($0.element, $0.offset) }
                RadixSort.sort(&records)
                #expect(records.map(\.0) == keys.sorted(), "\(name)")
                #expect(zip(records, records.dropFirst()).allSatisfy { $0.0 != $1.0 || $0.1 < $1.1 }, "\(name): not stable")
                var descending = keys.enumerated().map { ($0.element, $0.offset) }
                RadixSort.sort(&descending, flip: ~0)
                #expect(descending.map(\.0) == keys.sorted(by: >), "\(name) descending")
            }
        }

        @Test func otherKeyTypesSortAsSortedDoes() {
            let ints = Self.intCases.first { $0.name == "random over the whole range" }!.keys
            func check<K: RadixSortableKey>(_ keys: [K], _ name: String) {
                var records = keys.map { ($0, "v\($0)") }
                RadixSort.sort(&records)
                #expect(records.map(\.0) == keys.sorted(), "\(name)")
                #expect(records.allSatisfy { $0.1 == "v\($0.0)" }, "\(name): values moved apart from their keys")
            }
            check(ints.map { Int64($0) }, "Int64")
            check(ints.map { Int32(truncatingIfNeeded: $0) }, "Int32")
            check(ints.map { UInt64(bitPattern: Int64($0)) }, "UInt64")
            check(ints.map { UInt32(truncatingIfNeeded: $0) }, "UInt32")
            check(ints.map { UInt8(truncatingIfNeeded: $0) }, "UInt8")
            let specials: [Double] = [0, 1, -1, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                      .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-300, -1e300]
            check(ints.map { Double($0 % 1_000_000) / 7 } + specials + specials, "Double")
        }

        @Test func doubleZerosOfBothSignsStayTogether() {
            var records = [(0.0, 0), (-1.0, 1), (-0.0, 2), (1.0, 3), (0.0, 4), (-0.0, 5)]
            RadixSort.sort(&records)
            #expect(records.map(\.0) == [-1, 0, 0, 0, 0, 1])
            #expect(records.map(\.1).first == 1 && records.map(\.1).last == 3)
        }

        @Test func mergedInterleavesSortedStreams() throws {
            for flip: UInt64 in [0, ~0] {
                let keys = Self.intCases.first { $0.name == "random over the whole range" }!.keys
                // Uneven streams, one empty, each sorted the way the merge expects.
                let cuts = [0, 10, 10, 1700, 4999, keys.count]
                var streams: [Records<(Int, Int)>] = []
                for (start, end) in zip(cuts, cuts.dropFirst()) {
                    var part = keys[start..<end].map { ($0, $0 &* 3) }
                    RadixSort.sort(&part, flip: flip)
                    streams.append(Records(part))
                }
                var merged = RadixSort.merged(streams, flip: flip)
                let result = try merged.collect()
                #expect(result.map(\.0) == (flip == 0 ? keys.sorted() : keys.sorted(by: >)))
                #expect(result.allSatisfy { $0.1 == $0.0 &* 3 })
            }
        }

        @Test func comparingOrderingSortsAndMergesNonRadixKeys() throws {
            let words = (0..<400).map { "w\(($0 * 7919) % 401)" }
            for ascending in [true, false] {
                let ordering = KeyOrdering<String, Int>.comparing(ascending: ascending)
                var halves = [Array(words.prefix(150)), Array(words.dropFirst(150))].map { $0.map { ($0, $0.count) } }
                for i in halves.indices { ordering.sort(&halves[i]) }
                var merged = ordering.merge(halves.map { Records($0) })
                let result = try merged.collect().map(\.0)
                #expect(result == (ascending ? words.sorted() : words.sorted(by: >)))
            }
        }
    }
}
