import Testing
@testable import AtomicRDD

/// A key-value data set and how many partitions to cut it into: the shapes every
/// pair-operation test runs over.
struct PairCase: Sendable, CustomStringConvertible {
    let name: String
    let pairs: [(Int, Int)]
    let partitions: Int

    var description: String { name }

    /// Empty; one partition; more partitions than pairs; one key holding most
    /// pairs; many keys each repeated; negative and large keys.
    static let all: [PairCase] = [
        PairCase(name: "empty", pairs: [], partitions: 3),
        PairCase(name: "one partition", pairs: pairs(200) { ($0 % 13, $0) }, partitions: 1),
        PairCase(name: "more partitions than pairs", pairs: [(1, 10), (2, 20), (1, 11), (3, 30), (2, 21)], partitions: 12),
        PairCase(name: "skewed", pairs: pairs(3000) { ($0 % 10 == 0 ? $0 % 97 : 7, $0) }, partitions: 5),
        PairCase(name: "duplicate keys", pairs: pairs(1000) { ($0 % 50, $0 * 3 - 700) }, partitions: 4),
        PairCase(name: "wide keys", pairs: pairs(500) { ((($0 * 7919) % 1009 - 500) * 1_000_003, $0) }, partitions: 3),
    ]

    private static func pairs(_ count: Int, _ make: (Int) -> (Int, Int)) -> [(Int, Int)] {
        (0..<count).map(make)
    }

    /// The pairs of the second side of a join: keys partly shared with `pairs`
    /// (with duplicates of their own), partly absent from it.
    var otherPairs: [(Int, String)] {
        let keys = Array(Set(pairs.map(\.0))).sorted()
        var other: [(Int, String)] = []
        for (i, key) in keys.enumerated() where i % 3 != 0 {
            other.append((key, "a\(key)"))
            if i % 2 == 0 { other.append((key, "b\(key)")) }
        }
        for extra in 0..<7 { other.append((-1_000 - extra, "only\(extra)")) }
        return other
    }
}

/// Plain-Swift reference results, computed without the engine.
enum Expected {
    /// The values of each key, in input order.
    static func grouped<K: Hashable, V>(_ pairs: [(K, V)]) -> [K: [V]] {
        var groups: [K: [V]] = [:]
        for (key, value) in pairs { groups[key, default: []].append(value) }
        return groups
    }

    /// Every row of the join of `left` and `right` (outer on the sides kept),
    /// as text from ``row(_:_:_:)``, sorted for comparison.
    static func join<V, W>(_ left: [(Int, V)], _ right: [(Int, W)], keepLeft: Bool, keepRight: Bool) -> [String] {
        let l = grouped(left), r = grouped(right)
        var rows: [String] = []
        for key in Set(l.keys).union(r.keys) {
            let vs: [V?] = l[key].map { $0.map(Optional.some) } ?? (keepRight ? [nil] : [])
            let ws: [W?] = r[key].map { $0.map(Optional.some) } ?? (keepLeft ? [nil] : [])
            for v in vs { for w in ws { rows.append(row(key, v, w)) } }
        }
        return rows.sorted()
    }

    /// One join row as text, nil shown as "nil".
    static func row<V, W>(_ key: Int, _ v: V?, _ w: W?) -> String {
        "\(key)|\(v.map { "\($0)" } ?? "nil")|\(w.map { "\($0)" } ?? "nil")"
    }
}

/// Groups as a dictionary of sorted values, for comparing groupings; a key
/// grouped twice is a failure.
func normalized<V: Comparable>(_ groups: [(Int, [V])]) -> [Int: [V]] {
    var result: [Int: [V]] = [:]
    for (key, values) in groups {
        #expect(result[key] == nil, "key \(key) grouped twice")
        result[key] = values.sorted()
    }
    return result
}

/// The number of shuffles in `rdd`'s lineage.
func shuffleCount(_ rdd: AnyRDD) -> Int {
    var count = 0
    var stack = [rdd]
    var seen: Set<Int> = []
    while let node = stack.popLast() {
        guard seen.insert(node.id).inserted else { continue }
        for dependency in node.dependencies {
            if dependency is ShuffleDependencyBase { count += 1 }
            stack.append(dependency.parent)
        }
    }
    return count
}

/// A partitioner of the test target's own (not registered, so jobs with it run
/// in-process only): key modulo the count, or a fixed wrong index.
struct ModuloPartitioner: KeyPartitioner {
    let partitionCount: Int
    var broken = false
    func partition(of key: Int) -> Int { broken ? partitionCount + 1 : ((key % partitionCount) + partitionCount) % partitionCount }
    func isEquivalent(to other: any Partitioner) -> Bool {
        (other as? ModuloPartitioner).map { $0.partitionCount == partitionCount && !$0.broken && !broken } ?? false
    }
    var description: String { "ModuloPartitioner(\(partitionCount))" }
}

struct Boom: Error, Equatable {}
