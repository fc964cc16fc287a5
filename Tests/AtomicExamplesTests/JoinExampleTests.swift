import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct JoinExampleTests {
        @Test(arguments: LocalSetup.all)
        func joins_users_with_orders_like_nested_loops(setup: LocalSetup) async throws {
            for (userCount, orderCount) in [(6, 10), (12, 40), (0, 5), (4, 0)] {
                let users = JoinExample.generateUsers(count: userCount)
                let orders = JoinExample.generateOrders(count: orderCount, users: userCount)
                var expectedInner: [JoinExample.Order] = []
                var expectedLeft: [JoinExample.MaybeOrder] = []
                for (id, name) in users {
                    let items = orders.filter { $0.0 == id }.map(\.1)
                    for item in items { expectedInner.append(JoinExample.Order(userId: id, name: name, item: item)) }
                    if items.isEmpty { expectedLeft.append(JoinExample.MaybeOrder(userId: id, name: name, item: nil)) }
                    for item in items { expectedLeft.append(JoinExample.MaybeOrder(userId: id, name: name, item: item)) }
                }
                expectedInner.sort { ($0.userId, $0.item) < ($1.userId, $1.item) }
                expectedLeft.sort { ($0.userId, $0.item ?? "") < ($1.userId, $1.item ?? "") }
                try await setup.run { sc in
                    let result = try await JoinExample.join(sc, users: userCount, orders: orderCount, partitions: 3)
                    #expect(result.joined == expectedInner, "\(userCount) users, \(orderCount) orders")
                    #expect(result.leftJoined == expectedLeft, "\(userCount) users, \(orderCount) orders")
                }
            }
        }

        @Test func the_default_data_has_every_kind_of_row() {
            let users = JoinExample.generateUsers(count: 6)
            let orders = JoinExample.generateOrders(count: 10, users: 6)
            let ids = Set(users.map(\.0))
            let ordering = orders.map(\.0)
            // Users with several orders, users with none, and orders of unknown users.
            #expect(ids.contains { id in ordering.filter { $0 == id }.count > 1 })
            #expect(ids.contains { !ordering.contains($0) })
            #expect(ordering.contains { !ids.contains($0) })
            #expect(Set(users.map(\.1)).count == 6)
        }
    }
}
