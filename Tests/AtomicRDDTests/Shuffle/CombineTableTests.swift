import Testing
@testable import AtomicRDD

extension EngineSuite {
/// The combining hash table, without an engine: each key once with all its
/// values merged in arrival order, through growth, colliding hashes, keys
/// that live on the heap (long words) and a merge that throws.
@Suite struct CombineTableTests {
    /// Appends values, so a test sees both what was merged and in which order.
    static func add<K: ShuffleKey>(_ pairs: [(K, Int)], to table: inout CombineTable<K, [Int]>,
                                   hash: (K) -> UInt64 = { $0.stableHash }) {
        for (key, value) in pairs {
            table.upsert(key, hash: hash(key), value, create: { [$0] }, merge: { $0.append($1) })
        }
    }

    static func expected<K: Hashable>(_ pairs: [(K, Int)]) -> [K: [Int]] {
        var groups: [K: [Int]] = [:]
        for (key, value) in pairs { groups[key, default: []].append(value) }
        return groups
    }

    /// The table's entries as a dictionary, checking that no key is there twice
    /// and that each entry's hash is its key's.
    static func contents<K: ShuffleKey>(_ table: inout CombineTable<K, [Int]>,
                                        hash: (K) -> UInt64 = { $0.stableHash }) -> [K: [Int]] {
        var pairs: [(K, [Int])] = []
        table.appendPairs(to: &pairs)
        let count = table.count
        let entries = table.takeEntries()
        #expect(entries.count == count && pairs.count == count)
        #expect(table.isEmpty && table.last == nil, "takeEntries leaves the table empty")
        for entry in entries { #expect(entry.hash == hash(entry.key)) }
        #expect(Set(entries.map(\.key)) == Set(pairs.map(\.0)))
        return Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in
            Issue.record("a key twice")
            return a
        })
    }

    @Test func skewedAndDuplicateKeysThroughGrowth() {
        // Key 7 holds a quarter of the values; 1 301 distinct keys, negatives
        // included, so the table grows from 16 slots several times.
        let pairs: [(Int, Int)] = (0..<6_000).map { i in (i % 4 == 0 ? 7 : (i * 7919) % 1_301 - 650, i) }
        var table = CombineTable<Int, [Int]>()
        #expect(table.last == nil)
        Self.add(pairs, to: &table)
        #expect(table.count == Set(pairs.map(\.0)).count)
        #expect(table.last.map { Self.expected(pairs)[$0.key] != nil } == true, "the sample is an entry")
        #expect(Self.contents(&table) == Self.expected(pairs))
    }

    @Test func keysOfOneHashAllProbeToTheirOwnEntries() {
        // Every key given the same hash (and hash 0): one long probe run.
        for hash: UInt64 in [0, 0xDEAD_BEEF_0000_0001] {
            let pairs: [(Int, Int)] = (0..<900).map { i in (i % 300, i) }
            var table = CombineTable<Int, [Int]>()
            Self.add(pairs, to: &table, hash: { _ in hash })
            #expect(table.count == 300)
            #expect(Self.contents(&table, hash: { _ in hash }) == Self.expected(pairs))
        }
    }

    @Test func shortAndLongWordsAsKeys() {
        // Words of 1 to 40 bytes: those past 16 keep their bytes on the heap.
        let words = (1...40).flatMap { length in (0..<25).map { Word(String(repeating: "ab", count: 20).prefix(length) + "\($0)") } }
        let pairs: [(Word, Int)] = (0..<5_000).map { i in (words[(i * 31) % words.count], i) }
        var table = CombineTable<Word, [Int]>()
        Self.add(pairs, to: &table)
        #expect(table.count == words.count)
        #expect(Self.contents(&table) == Self.expected(pairs))
    }

    @Test func aThrowingMergeLeavesTheOtherEntriesWhole() {
        struct Refused: Error {}
        var table = CombineTable<Int, Int>()
        for key in 0..<100 { table.upsert(key, hash: key.stableHash, key, create: { $0 }, merge: { $0 += $1 }) }
        #expect(throws: Refused.self) {
            try table.upsert(5, hash: 5.stableHash, 1, create: { $0 }, merge: { _, _ in throw Refused() })
        }
        #expect(throws: Refused.self) {
            try table.upsert(500, hash: 500.stableHash, 1, create: { _ in throw Refused() }, merge: { $0 += $1 })
        }
        #expect(table.count == 100)
        let entries = table.takeEntries()
        #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) }) == Dictionary(uniqueKeysWithValues: (0..<100).map { ($0, $0) }))
    }
}
}
