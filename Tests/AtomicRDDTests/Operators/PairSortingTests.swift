import AtomicTransport
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PairSortingTests {
        typealias S = SuitePairFunctions

        @Test(arguments: EngineSetup.shippable)
        func sortByKeyOrdersEveryPair(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let pairsText = data.pairs.map { "\($0)" }.sorted()
                    for (ascending, partitions) in [(true, nil), (false, nil), (true, 1), (false, 3), (true, 16)] as [(Bool, Int?)] {
                        let sorted = rdd.sortByKey(ascending: ascending, numPartitions: partitions)
                        #expect(sorted.partitionCount == partitions ?? data.partitions)
                        let result = try await sorted.collect()
                        let keys = data.pairs.map(\.0).sorted()
                        #expect(result.map(\.0) == (ascending ? keys : keys.reversed()), "\(data) ascending: \(ascending)")
                        #expect(result.map { "\($0)" }.sorted() == pairsText, "\(data)")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortByKeySpreadsDistinctKeysOverItsPartitions(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let keys = (0..<4000).map { ($0 * 7919) % 4001 }
                let parts = try await sc.parallelize(keys.map { ($0, $0) }, numPartitions: 6)
                    .sortByKey(numPartitions: 4).glom().collect()
                #expect(parts.count == 4)
                for part in parts {
                    // Sampled bounds cut about 1000 keys per partition.
                    #expect(part.count > 600 && part.count < 1400, "partition sizes \(parts.map(\.count))")
                }
                #expect(parts.flatMap { $0 }.map(\.0) == keys.sorted())
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortByKeySamplesOnceWhenFirstNeededAndNotBefore(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let computed = sc.longAccumulator()
                let pairs = (0..<500).map { (($0 * 31) % 97, $0) }
                let source = sc.parallelize(pairs, numPartitions: 4).mapValues(S.CountCalls(counter: computed.handle))
                let sorted = source.sortByKey(ascending: false, numPartitions: 3)
                #expect(computed.value == 0, "sortByKey ran a job")
                let keys = try await sorted.keys().collect()
                #expect(keys == pairs.map(\.0).sorted(by: >))
                // One pass to sample, one for the map stage.
                #expect(computed.value == 2 * pairs.count)
                let count = try await sorted.count()
                #expect(count == pairs.count)
                #expect(computed.value == 2 * pairs.count, "the second job sampled again or recomputed the map stage")
                // The sorted RDD looks its keys up in one partition.
                let found = try await sorted.lookup(5).sorted()
                #expect(found == pairs.filter { $0.0 == 5 }.map(\.1).sorted())
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sortsNestAndJoinThroughSampledPartitioners(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let pairs = (0..<600).map { (($0 * 37) % 211, $0) }
                // A sort of a sort: the inner sampling job prepares its own shuffle first.
                let twice = sc.parallelize(pairs, numPartitions: 3).sortByKey(numPartitions: 4)
                    .map(S.NegateKey()).sortByKey(numPartitions: 5)
                let keys = try await twice.keys().collect()
                #expect(keys == pairs.map { -$0.0 }.sorted())

                // A join with a sorted side uses its range partitioner: the other side is placed by it.
                let sorted = sc.parallelize(pairs, numPartitions: 3).sortByKey(numPartitions: 4)
                let other = sc.parallelize((0..<300).map { ($0, "k\($0)") }, numPartitions: 2)
                let joined = sorted.join(other)
                #expect(joined.partitionCount == 4)
                #expect(shuffleCount(joined) == 2)
                let rows = try await joined.collect().map { Expected.row($0.0, $0.1.0, $0.1.1) }
                #expect(rows.sorted() == Expected.join(pairs, (0..<300).map { ($0, "k\($0)") }, keepLeft: false, keepRight: false))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func repartitionAndSortWithinPartitionsSortsEachPartition(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let hash = HashPartitioner(partitions: 3)
                    let parts = try await rdd.repartitionAndSortWithinPartitions(partitioner: hash).glom().collect()
                    #expect(parts.count == 3)
                    for (index, part) in parts.enumerated() {
                        #expect(part.map(\.0) == part.map(\.0).sorted(), "\(data)")
                        #expect(part.allSatisfy { hash.partition(of: $0.0) == index }, "\(data)")
                    }
                    #expect(parts.flatMap { $0 }.map { "\($0)" }.sorted() == data.pairs.map { "\($0)" }.sorted())
                    let descending = try await rdd.repartitionAndSortWithinPartitions(
                        partitioner: S.ModuloPartitioner(partitionCount: 2), ascending: false).glom().collect()
                    for (index, part) in descending.enumerated() {
                        #expect(part.map(\.0) == part.map(\.0).sorted(by: >), "\(data)")
                        #expect(part.allSatisfy { ($0.0 % 2 + 2) % 2 == index }, "\(data)")
                    }
                }
            }
        }

        /// The sampled partitioner searches its own copy of the bounds: it must
        /// place every key where a plain RangePartitioner of the same bounds does.
        @Test(arguments: EngineSetup.shippable)
        func installedBoundsPlaceKeysAsRangePartitionerDoes(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let rdd = sc.parallelize([("a", 1)], numPartitions: 1)
                let letters = "abcdefghijklmnopqrstuvwxyz".map(String.init)
                let keys = [""] + letters + letters.map { $0 + "m" }
                // Every count of bounds up to 9 (the search halves odd and even lengths differently).
                let boundSets = (0...9).map { count in (0..<count).map { letters[2 * $0 + 3] } }
                for bounds in boundSets {
                    for descending in [false, true] {
                        let sampled = SampledRangePartitioner(keysOf: rdd, partitions: bounds.count + 1, descending: descending)
                        #expect(!sampled.isPrepared)
                        try sampled.install(encodedBounds: WireWriter.bytes { $0.write(bounds); $0.write(descending) })
                        #expect(sampled.isPrepared)
                        let plain = RangePartitioner(bounds: bounds, descending: descending)
                        #expect(keys.map { sampled.partition(of: $0) } == keys.map { plain.partition(of: $0) },
                                "bounds \(bounds), descending \(descending)")
                        let placement = sampled.placement
                        #expect(try keys.map { try placement.partition($0) } == keys.map { plain.partition(of: $0) },
                                "placement, bounds \(bounds), descending \(descending)")
                    }
                }
            }
        }

        @Test func weightedBoundsCutEqualWeights() {
            let candidates = (0..<100).map { (key: $0, weight: 1.0) }
            #expect(SampledRangePartitioner<Int>.weightedBounds(candidates, partitions: 4) == [24, 49, 74])
            // A heavy key ends a range; a bound is never repeated, so fewer ranges are cut.
            let heavy = [(key: 1, weight: 1.0), (key: 2, weight: 100.0), (key: 2, weight: 100.0), (key: 3, weight: 1.0)]
            #expect(SampledRangePartitioner<Int>.weightedBounds(heavy, partitions: 4) == [2, 3])
            #expect(SampledRangePartitioner<Int>.weightedBounds([], partitions: 4) == [])
        }
    }
}
