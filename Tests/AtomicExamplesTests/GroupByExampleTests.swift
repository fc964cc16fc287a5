import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct GroupByExampleTests {
        @Test(arguments: LocalSetup.all)
        func groups_people_by_department_and_words_by_initial(setup: LocalSetup) async throws {
            let people = GroupByExample.generatePeople(count: 40)
            let expectedDepartments = Dictionary(grouping: people, by: \.0)
                .map { GroupByExample.Group(key: $0.key, members: $0.value.map(\.1).sorted()) }
                .sorted { $0.key < $1.key }
            let expectedInitials = Dictionary(grouping: GroupByExample.words) { String($0.prefix(1)) }
                .map { GroupByExample.Group(key: $0.key, members: $0.value.sorted()) }
                .sorted { $0.key < $1.key }
            try await setup.run { sc in
                for partitions in [1, 3, 64] {
                    let result = try await GroupByExample.group(sc, people: 40, partitions: partitions)
                    #expect(result.byDepartment == expectedDepartments)
                    #expect(result.byInitial == expectedInitials)
                }
            }
        }

        @Test(arguments: LocalSetup.all)
        func no_people_give_no_department_groups(setup: LocalSetup) async throws {
            try await setup.run { sc in
                let result = try await GroupByExample.group(sc, people: 0)
                #expect(result.byDepartment.isEmpty)
                #expect(!result.byInitial.isEmpty)
            }
        }

        @Test func generated_people_are_the_same_every_time_and_spread_over_departments() {
            let people = GroupByExample.generatePeople(count: 100)
            #expect(people.map(\.1) == GroupByExample.generatePeople(count: 100).map(\.1))
            #expect(people.map(\.0) == GroupByExample.generatePeople(count: 100).map(\.0))
            #expect(Set(people.map(\.0)).count == GroupByExample.departments.count)
            #expect(Set(people.map(\.1)).count == 100)
        }
    }
}
