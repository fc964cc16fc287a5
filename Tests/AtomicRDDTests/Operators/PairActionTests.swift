import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PairActionTests {
        typealias S = SuitePairFunctions

        @Test(arguments: EngineSetup.shippable)
        func countByKeyAndCollectAsMapMatchDictionaries(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let counts = try await rdd.countByKey()
                    #expect(counts == Expected.grouped(data.pairs).mapValues(\.count), "\(data)")
                    // The last value of a key (in partition order, which is input order here) wins.
                    var last: [Int: Int] = [:]
                    for (key, value) in data.pairs { last[key] = value }
                    let map = try await rdd.collectAsMap()
                    #expect(map == last, "\(data)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func lookupFindsEveryValueOfAKey(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let groups = Expected.grouped(data.pairs)
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    for key in Array(groups.keys.prefix(3)) + [123_456_789] {
                        let found = try await rdd.lookup(key)
                        #expect(found == (groups[key] ?? []), "\(data): key \(key)")
                        let foundPartitioned = try await rdd.partitionBy(HashPartitioner(partitions: 4)).lookup(key).sorted()
                        #expect(foundPartitioned == (groups[key] ?? []).sorted())
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func lookupReadsOnlyTheKeysPartitionWhenPartitioned(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let pairs = (0..<400).map { ($0 % 40, $0) }
                let hash = HashPartitioner(partitions: 5)
                let visited = sc.collectionAccumulator(Int.self)
                let record = S.RecordPartition(visited: visited.handle)
                let partitioned = sc.parallelize(pairs, numPartitions: 3).partitionBy(hash).mapValues(record)
                let found = try await partitioned.lookup(17).sorted()
                #expect(found == pairs.filter { $0.0 == 17 }.map(\.1))
                #expect(Set(visited.value) == [hash.partition(of: 17)])

                visited.reset()
                let modulo = sc.parallelize(pairs, numPartitions: 3).partitionBy(S.ModuloPartitioner(partitionCount: 4)).mapValues(record)
                let foundByModulo = try await modulo.lookup(6).sorted()
                #expect(foundByModulo == pairs.filter { $0.0 == 6 }.map(\.1))
                #expect(Set(visited.value) == [2])

                visited.reset()
                let unpartitioned = sc.parallelize(pairs, numPartitions: 3).mapValues(record)
                let foundCount = try await unpartitioned.lookup(6).count
                #expect(foundCount == 10)
                #expect(Set(visited.value) == [0, 1, 2])
            }
        }
    }
}
