import AtomicRDD
import Foundation

/// `atomic group_by`: groups generated people by department with `groupByKey`,
/// and a list of words by their first letter with `groupBy`.
enum GroupByExample: Example {
    static let name = "group_by"
    static let synopsis = "[--people N]"
    static let summary = "groupByKey and groupBy on a small generated data set"

    static let people = IntegerFlag(name: "--people", placeholder: "N", range: 0...1_000_000)
    static var flags: [IntegerFlag] { [people] }

    static let departments = ["engineering", "legal", "research", "sales", "support"]
    static let firstNames = ["ada", "alan", "barbara", "claude", "donald", "edsger", "frances", "grace", "john",
                             "ken", "leslie", "margaret", "niklaus", "radia", "tony"]
    static let words = ["apple", "avocado", "banana", "blueberry", "cherry", "clementine", "date", "fig", "grape",
                        "guava", "kiwi", "lemon", "lime", "mango", "melon", "orange", "papaya", "peach", "pear",
                        "plum"]

    /// A key and its members, members sorted (a group's order is not defined).
    struct Group<Key: Comparable & Sendable>: Equatable, Sendable {
        let key: Key
        let members: [String]
    }

    /// The groups found, keys in order.
    struct Result: Equatable, Sendable {
        /// People by department (`groupByKey`).
        let byDepartment: [Group<String>]
        /// Words by first letter (`groupBy`).
        let byInitial: [Group<String>]
    }

    /// `count` people as `(department, name)` pairs, the same every run.
    static func generatePeople(count: Int) -> [(String, String)] {
        var random = XorShift(seed: 7)
        return (0..<count).map { index in
            (departments[random.next(below: departments.count)], "\(firstNames[index % firstNames.count])-\(index)")
        }
    }

    /// Groups `generatePeople(count:)` by department and ``words`` by first letter.
    ///
    /// - Throws: what the jobs throw.
    static func group(_ sc: Context, people count: Int, partitions: Int? = nil) async throws -> Result {
        let byDepartment = try await sc.parallelize(generatePeople(count: count), numPartitions: partitions)
            .groupByKey()
            .collect()
        let byInitial = try await sc.parallelize(words, numPartitions: partitions)
            .groupBy { String($0.prefix(1)) }
            .collect()
        return Result(byDepartment: sortedGroups(byDepartment), byInitial: sortedGroups(byInitial))
    }

    private static func sortedGroups<Key: Comparable & Sendable>(_ groups: [(Key, [String])]) -> [Group<Key>] {
        groups.map { Group(key: $0.0, members: $0.1.sorted()) }.sorted { $0.key < $1.key }
    }

    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws {
        let count = arguments.value(of: people, default: 24)
        let start = ContinuousClock.now
        let result = try await group(sc, people: count)
        let elapsed = ContinuousClock.now - start
        print("\(count) people grouped by department (groupByKey):")
        for group in result.byDepartment {
            print("  \(group.key) (\(group.members.count)): \(listed(group.members))")
        }
        print("\(words.count) words grouped by first letter (groupBy):")
        for group in result.byInitial {
            print("  \(group.key): \(group.members.joined(separator: ", "))")
        }
        print("job time: \(Format.seconds(elapsed))")
    }

    /// The first few members, and how many more.
    private static func listed(_ members: [String], limit: Int = 6) -> String {
        let shown = members.prefix(limit).joined(separator: ", ")
        return members.count > limit ? shown + ", … \(members.count - limit) more" : shown
    }
}
