import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PairJoinTests {
        typealias F = ClusterFunctions
        typealias S = SuitePairFunctions

        @Test(arguments: EngineSetup.shippable)
        func joinsMatchNestedLoopsOverDictionaries(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let other = data.otherPairs
                    let left = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let right = sc.parallelize(other, numPartitions: 3)

                    let inner = try await left.join(right).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                    #expect(inner.sorted() == Expected.join(data.pairs, other, keepLeft: false, keepRight: false), "\(data)")
                    let leftOuter = try await left.leftOuterJoin(right, numPartitions: 2).collect()
                        .map { Expected.row($0.0, $0.1.0, $0.1.1) }
                    #expect(leftOuter.sorted() == Expected.join(data.pairs, other, keepLeft: true, keepRight: false), "\(data)")
                    let rightOuter = try await left.rightOuterJoin(right).collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                    #expect(rightOuter.sorted() == Expected.join(data.pairs, other, keepLeft: false, keepRight: true), "\(data)")
                    let fullOuter = try await left.fullOuterJoin(right, numPartitions: 9).collect()
                        .map { Expected.row($0.0, $0.1.0, $0.1.1) }
                    #expect(fullOuter.sorted() == Expected.join(data.pairs, other, keepLeft: true, keepRight: true), "\(data)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func joinOutputForAKeyIsTheProductOfItsValuesInOrder(setup: EngineSetup) async throws {
            try await setup.run { sc in
                // One partition per side and one output partition: the values of a key arrive in input order.
                let left = sc.parallelize([(1, "x"), (2, "p"), (1, "y"), (1, "z")], numPartitions: 1)
                let right = sc.parallelize([(1, 10), (3, 30), (1, 20)], numPartitions: 1)
                let joined = try await left.join(right, numPartitions: 1).collect()
                #expect(joined.map { "\($0.0)\($0.1.0)\($0.1.1)" } == ["1x10", "1x20", "1y10", "1y20", "1z10", "1z20"])
                let full = try await left.fullOuterJoin(right, numPartitions: 1).collect()
                #expect(full.count == 6 + 1 + 1)
                #expect(full.contains { $0.0 == 2 && $0.1.0 == "p" && $0.1.1 == nil })
                #expect(full.contains { $0.0 == 3 && $0.1.0 == nil && $0.1.1 == 30 })
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func cogroupGathersBothSides(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let other = data.otherPairs
                    let grouped = try await sc.parallelize(data.pairs, numPartitions: data.partitions)
                        .cogroup(sc.parallelize(other, numPartitions: 2)).collect()
                    let l = Expected.grouped(data.pairs), r = Expected.grouped(other)
                    #expect(Set(grouped.map(\.0)) == Set(l.keys).union(r.keys), "\(data)")
                    #expect(grouped.count == Set(grouped.map(\.0)).count, "\(data): a key appears twice")
                    for (key, (vs, ws)) in grouped {
                        #expect(vs.sorted() == (l[key] ?? []).sorted(), "\(data): key \(key)")
                        #expect(ws.sorted() == (r[key] ?? []).sorted(), "\(data): key \(key)")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func subtractByKeyKeepsPairsWhoseKeyIsAbsent(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let removed = data.otherPairs
                    let removedKeys = Set(removed.map(\.0))
                    // The other side's values are not wire-codable: only its keys travel.
                    let other = sc.parallelize(removed, numPartitions: 2).mapValues(S.Opaque.Wrap())
                    let kept = try await sc.parallelize(data.pairs, numPartitions: data.partitions).subtractByKey(other).collect()
                    let expected = data.pairs.filter { !removedKeys.contains($0.0) }
                    #expect(kept.map { "\($0)" }.sorted() == expected.map { "\($0)" }.sorted(), "\(data)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func coPartitionedSidesAreNotShuffledAgain(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let data = PairCase.all[4]
                let other = data.otherPairs
                let hash = HashPartitioner(partitions: 4)
                let left = sc.parallelize(data.pairs, numPartitions: 3).partitionBy(hash)
                let right = sc.parallelize(other, numPartitions: 2).partitionBy(hash)
                let joined = left.join(right)
                // The two partitionBy shuffles only: the join reads both sides where they are.
                #expect(shuffleCount(joined) == 2)
                #expect(joined.partitioner?.isEquivalent(to: hash) == true)
                let rows = try await joined.collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(rows.sorted() == Expected.join(data.pairs, other, keepLeft: false, keepRight: false))

                // One side partitioned: its partitioner is used and only the other side shuffles.
                let oneSided = left.leftOuterJoin(sc.parallelize(other, numPartitions: 5))
                #expect(shuffleCount(oneSided) == 2)
                #expect(oneSided.partitionCount == 4)
                let oneSidedRows = try await oneSided.collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(oneSidedRows.sorted() == Expected.join(data.pairs, other, keepLeft: true, keepRight: false))

                // Reduced with the same partitioner: still narrow, and a second job reuses the map outputs.
                let sums = sc.parallelize(data.pairs, numPartitions: 3).reduceByKey(partitioner: hash, F.Sum())
                let counts = sc.parallelize(data.pairs, numPartitions: 2).mapValues(S.Constant(value: 1)).reduceByKey(partitioner: hash, F.Sum())
                let both = sums.join(counts)
                #expect(shuffleCount(both) == 2)
                let groups = Expected.grouped(data.pairs)
                let expected = groups.mapValues { "\($0.reduce(0, +))/\($0.count)" }
                let result = try await both.mapValues(S.SlashPair()).collectAsMap()
                #expect(result == expected)

                // A self-join of a partitioned RDD.
                let selfJoined = try await left.join(left).count()
                #expect(selfJoined == groups.values.reduce(0) { $0 + $1.count * $1.count })

                // Different partition counts: a shuffle into the wider one.
                let mixed = left.join(sc.parallelize(other, numPartitions: 2).partitionBy(HashPartitioner(partitions: 6)))
                #expect(mixed.partitionCount == 6)
                #expect(shuffleCount(mixed) == 3)
                let mixedRows = try await mixed.collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(mixedRows.sorted() == Expected.join(data.pairs, other, keepLeft: false, keepRight: false))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func joinsOfEmptySides(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let some = sc.parallelize([(1, 1), (2, 2), (2, 3)], numPartitions: 2)
                let none = sc.emptyRDD(of: (Int, Int).self)
                let inner = try await some.join(none).count()
                #expect(inner == 0)
                let innerFromEmpty = try await none.join(some).count()
                #expect(innerFromEmpty == 0)
                let leftOuter = try await some.leftOuterJoin(none).count()
                #expect(leftOuter == 3)
                let rightOuter = try await none.rightOuterJoin(some).count()
                #expect(rightOuter == 3)
                let fullOuter = try await none.fullOuterJoin(none).count()
                #expect(fullOuter == 0)
                let subtracted = try await some.subtractByKey(none).count()
                #expect(subtracted == 3)
                let cogrouped = try await none.cogroup(none).count()
                #expect(cogrouped == 0)
            }
        }
    }
}
