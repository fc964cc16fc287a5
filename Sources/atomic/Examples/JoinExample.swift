import AtomicRDD
import Foundation

/// `atomic join`: joins generated users `(userId, name)` with their orders
/// `(userId, item)`: `join` keeps the users with orders, `leftOuterJoin` every
/// user, with nil for those without. Orders of unknown users drop out of both.
enum JoinExample: Example {
    static let name = "join"
    static let synopsis = "[--users N] [--orders M]"
    static let summary = "join and leftOuterJoin of generated users and orders"

    static let users = IntegerFlag(name: "--users", placeholder: "N", range: 0...1_000_000)
    static let orders = IntegerFlag(name: "--orders", placeholder: "M", range: 0...1_000_000)
    static var flags: [IntegerFlag] { [users, orders] }

    static let names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
    static let items = ["book", "lamp", "pen", "kettle", "chair", "mug", "scarf", "clock"]

    /// A user with one of their orders.
    struct Order: Equatable, Sendable {
        let userId: Int
        let name: String
        let item: String
    }

    /// A user with one of their orders, or with nil when they have none.
    struct MaybeOrder: Equatable, Sendable {
        let userId: Int
        let name: String
        let item: String?
    }

    /// The joined rows, by user id then item.
    struct Result: Equatable, Sendable {
        /// `users.join(orders)`.
        let joined: [Order]
        /// `users.leftOuterJoin(orders)`.
        let leftJoined: [MaybeOrder]
    }

    /// Users 1...count, named after ``names``.
    static func generateUsers(count: Int) -> [(Int, String)] {
        (0..<count).map { ($0 + 1, names[$0 % names.count] + (($0 < names.count) ? "" : "\($0 / names.count + 1)")) }
    }

    /// `count` orders of random users among 1...(users + 2): some users order
    /// several times, some never, and a few orders name a user who does not exist.
    static func generateOrders(count: Int, users: Int) -> [(Int, String)] {
        var random = XorShift(seed: 42)
        return (0..<count).map { _ in (1 + random.next(below: users + 2), items[random.next(below: items.count)]) }
    }

    /// Joins the generated users and orders both ways.
    ///
    /// - Throws: what the jobs throw.
    static func join(_ sc: Context, users userCount: Int, orders orderCount: Int, partitions: Int? = nil) async throws -> Result {
        let users = sc.parallelize(generateUsers(count: userCount), numPartitions: partitions)
        let orders = sc.parallelize(generateOrders(count: orderCount, users: userCount), numPartitions: partitions)
        let joined = try await users.join(orders).collect()
            .map { Order(userId: $0.0, name: $0.1.0, item: $0.1.1) }
        let leftJoined = try await users.leftOuterJoin(orders).collect()
            .map { MaybeOrder(userId: $0.0, name: $0.1.0, item: $0.1.1) }
        return Result(joined: joined.sorted { ($0.userId, $0.item) < ($1.userId, $1.item) },
                      leftJoined: leftJoined.sorted { ($0.userId, $0.item ?? "") < ($1.userId, $1.item ?? "") })
    }

    static func run(_ sc: Context, _ arguments: ExampleArguments) async throws {
        let userCount = arguments.value(of: users, default: 6)
        let orderCount = arguments.value(of: orders, default: 10)
        let start = ContinuousClock.now
        let result = try await join(sc, users: userCount, orders: orderCount)
        let elapsed = ContinuousClock.now - start
        print("users: " + generateUsers(count: userCount).map { "(\($0.0), \($0.1))" }.joined(separator: " "))
        print("orders: " + generateOrders(count: orderCount, users: userCount).map { "(\($0.0), \($0.1))" }
            .joined(separator: " "))
        print("users.join(orders): \(result.joined.count) rows")
        for row in result.joined { print("  \(row.userId)  \(row.name)  \(row.item)") }
        print("users.leftOuterJoin(orders): \(result.leftJoined.count) rows")
        for row in result.leftJoined { print("  \(row.userId)  \(row.name)  \(row.item ?? "nil (no orders)")") }
        print("job time: \(Format.seconds(elapsed))")
    }
}
