import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// The hash join's two paths: the right side in a table (a roomy budget)
    /// and, when the budget refuses the table, both sides grouped and spilled;
    /// each checked against plain-Swift joins, for every kind of join.
    @Suite struct HashJoinTests {
        /// A budget too small for any table: every partition takes the grouping path.
        static let tinyBudget = 64 << 10

        @Test(arguments: EngineSetup.shippable)
        func everyJoinKindIsExactWhenTheTableDoesNotFit(setup: EngineSetup) async throws {
            try await setup.run(memory: Self.tinyBudget) { sc in
                // Big enough that a partition's right side passes a memory check (every 1024 records).
                let left = (0..<2_500).map { ($0 % 10 == 0 ? 3 : $0 % 900, $0) }
                let right = (0..<2_400).map { ($0 % 1_200 - 150, "r\($0)") }
                let l = sc.parallelize(left, numPartitions: 3), r = sc.parallelize(right, numPartitions: 2)
                let before = await sc.spills()
                let inner = try await l.join(r, numPartitions: 2).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(inner.sorted() == Expected.join(left, right, keepLeft: false, keepRight: false))
                #expect(await sc.spills() > before, "the join did not spill under \(Self.tinyBudget) bytes")
                let leftOuter = try await l.leftOuterJoin(r, numPartitions: 2).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(leftOuter.sorted() == Expected.join(left, right, keepLeft: true, keepRight: false))
                let rightOuter = try await l.rightOuterJoin(r, numPartitions: 1).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(rightOuter.sorted() == Expected.join(left, right, keepLeft: false, keepRight: true))
                let fullOuter = try await l.fullOuterJoin(r, numPartitions: 2).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(fullOuter.sorted() == Expected.join(left, right, keepLeft: true, keepRight: true))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func mapOutputsKeptInMemoryMoveToDiskToMakeRoomForTheTable(setup: EngineSetup) async throws {
            // The left side's map outputs (16 bytes a record) fill most of a
            // 2 MiB budget on every executor; each reducer's table then asks
            // for 1 MiB, which only moving kept outputs to disk frees. Four
            // reducers on at most three task slots: some buckets are not being
            // read when the first tables ask, so moving them frees memory.
            let left = (0..<200_000).map { ($0 % 50_000, $0) }
            let right = (0..<60_000).map { ($0, -$0) }
            try await setup.run(memory: 2 << 20) { sc in
                let l = sc.parallelize(left, numPartitions: 8), r = sc.parallelize(right, numPartitions: 2)
                let rows = try await l.join(r, numPartitions: 4).collect()
                #expect(rows.count == left.count)
                #expect(rows.allSatisfy { $0.1.1 == -$0.0 && $0.1.0 % 50_000 == $0.0 })
                #expect(Set(rows.map(\.1.0)).count == left.count, "a left record is missing or doubled")
                #expect(await sc.movedOutputs() > 0, "no kept map output was moved to disk")
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aKeysRowsKeepInputOrderOnBothPaths(setup: EngineSetup) async throws {
            // One partition everywhere: values arrive in input order. Key 1 has
            // 3 left values and 3000 right ones, so under the tiny budget the
            // table is given up part-way through key 1's values.
            let left = [(1, 0), (2, 5), (1, 1), (1, 2)]
            let right = (0..<3_000).map { (1, $0) } + [(3, -1)]
            var expected: [String] = []
            for v in [0, 1, 2] { for w in 0..<3_000 { expected.append("\(v)-\(w)") } }
            for memory in [256 << 20, Self.tinyBudget] {
                try await setup.run(memory: memory) { sc in
                    let l = sc.parallelize(left, numPartitions: 1), r = sc.parallelize(right, numPartitions: 1)
                    let rows = try await l.join(r, numPartitions: 1).collect()
                    #expect(rows.allSatisfy { $0.0 == 1 })
                    #expect(rows.map { "\($0.1.0)-\($0.1.1)" } == expected, "budget \(memory)")
                    let full = try await l.fullOuterJoin(r, numPartitions: 1).collect()
                    #expect(full.count == expected.count + 2)
                    #expect(full.filter { $0.0 == 2 }.map { "\($0.1.0.map(String.init) ?? "nil")|\($0.1.1.map(String.init) ?? "nil")" } == ["5|nil"])
                    #expect(full.filter { $0.0 == 3 }.map { "\($0.1.0.map(String.init) ?? "nil")|\($0.1.1.map(String.init) ?? "nil")" } == ["nil|-1"])
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func skewedKeysOnBothSidesGiveEveryPair(setup: EngineSetup) async throws {
            try await setup.run { sc in
                // Key 0 holds 100 values on each side: 10 000 rows from it alone.
                let left = (0..<500).map { ($0 % 5 == 0 ? 0 : $0, $0) }
                let right = (0..<500).map { ($0 % 5 == 0 ? 0 : $0 + 1, -$0) }
                let l = sc.parallelize(left, numPartitions: 4), r = sc.parallelize(right, numPartitions: 3)
                let expected = Expected.join(left, right, keepLeft: false, keepRight: false)
                let rows = try await l.join(r).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(rows.count == expected.count)
                #expect(rows.sorted() == expected)
                let rightOuter = try await l.rightOuterJoin(r, numPartitions: 5).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(rightOuter.sorted() == Expected.join(left, right, keepLeft: false, keepRight: true))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func outerJoinsWithOneSideEmptyKeepTheOther(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let pairs = [(1, 10), (2, 20), (2, 21), (5, 50)]
                let some = sc.parallelize(pairs, numPartitions: 3)
                let none = sc.emptyRDD(of: (Int, Int).self)
                let expected = pairs.map { Expected.row($0.0, $0.1, nil as Int?) }.sorted()
                let leftOnly = try await some.fullOuterJoin(none).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(leftOnly.sorted() == expected)
                let rightOnly = try await none.fullOuterJoin(some).collect().map { Expected.row($0.0, $0.1.1, $0.1.0) }
                #expect(rightOnly.sorted() == expected)
                let rightOuter = try await none.rightOuterJoin(some, numPartitions: 2).collect().map { Expected.row($0.0, $0.1.1, $0.1.0) }
                #expect(rightOuter.sorted() == expected)
                let inner = try await some.join(some.filter(SuitePairFunctions.KeepNoPairs())).count()
                #expect(inner == 0)
            }
        }
    }
}
