import Testing
@testable import AtomicRDD

extension EngineSuite {
/// The build side of the hash join, without an engine: every key finds its
/// values in insertion order once sealed, absent keys find none, single and
/// batched lookups agree, lookups before sealing find the same entries.
@Suite struct JoinTableTests {
    /// Keys with a skew (key 7 holds most values), duplicates, negatives and
    /// enough distinct keys to make the table grow several times.
    static let pairs: [(Int, String)] = (0..<5_000).map { i in
        (i % 4 == 0 ? 7 : (i * 7919) % 1_301 - 650, "v\(i)")
    }

    @Test func everyKeyFindsItsValuesInInsertionOrder() {
        var table = JoinTable<Int, String>()
        for (key, value) in Self.pairs { table.insert(key, hash: key.stableHash, value) }
        let expected = Expected.grouped(Self.pairs)
        let entriesBeforeSealing = expected.keys.map { table.find($0, hash: $0.stableHash) }
        table.seal()
        #expect(expected.keys.map { table.find($0, hash: $0.stableHash) } == entriesBeforeSealing)
        #expect(table.keyCount == expected.count)
        #expect(table.valueCount == Self.pairs.count)
        for (key, values) in expected {
            let entry = table.find(key, hash: key.stableHash)
            #expect(entry >= 0, "key \(key) not found")
            guard entry >= 0 else { continue }
            #expect(table.key(of: entry) == key)
            #expect(table.values(of: entry) == values, "key \(key)")
        }
        for absent in [-651, 651, 10_000, Int.min, Int.max] {
            #expect(table.find(absent, hash: absent.stableHash) == -1, "absent key \(absent) found")
        }
    }

    @Test func batchedLookupsWalkTheSameValuesAsSingleOnes() {
        var table = JoinTable<Int, String>()
        for (key, value) in Self.pairs { table.insert(key, hash: key.stableHash, value) }
        table.seal()
        let expected = Expected.grouped(Self.pairs)
        let probes = Array(-700...700) + [7, 7, Int.max]
        var entries: [Int] = []
        for start in stride(from: 0, to: probes.count, by: 64) {
            let batch = Array(probes[start..<min(start + 64, probes.count)])
            table.find(batch, into: &entries)
            #expect(entries.count == batch.count)
            for (key, entry) in zip(batch, entries) {
                #expect(entry == table.find(key, hash: key.stableHash), "key \(key)")
                let walked = entry < 0 ? [] : table.valueRange(of: entry).map { table.value(at: $0) }
                #expect(walked == (expected[key] ?? []), "key \(key)")
            }
        }
    }

    @Test func anEmptyTableFindsNothing() {
        var table = JoinTable<String, Int>()
        table.seal()
        #expect(table.keyCount == 0)
        #expect(table.valueCount == 0)
        #expect(table.find("a", hash: "a".stableHash) == -1)
        var entries: [Int] = [5]
        table.find(["a", "", "b"], into: &entries)
        #expect(entries == [-1, -1, -1])
        table.find([], into: &entries)
        #expect(entries.isEmpty)
    }
}
}
