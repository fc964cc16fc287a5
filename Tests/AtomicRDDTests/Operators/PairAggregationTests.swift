import AtomicTransport
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PairAggregationTests {
        typealias F = ClusterFunctions
        typealias S = SuitePairFunctions

        @Test(arguments: EngineSetup.shippable)
        func reduceByKeyMatchesDictionarySums(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let expected = Expected.grouped(data.pairs).mapValues { $0.reduce(0, +) }
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let sums = try await rdd.reduceByKey(F.Sum()).collect()
                    #expect(Dictionary(uniqueKeysWithValues: sums) == expected, "\(data)")
                    let three = rdd.reduceByKey(numPartitions: 3, F.Sum())
                    #expect(three.partitionCount == 3)
                    let sumsInThree = try await three.collect()
                    #expect(Dictionary(uniqueKeysWithValues: sumsInThree) == expected, "\(data)")
                    let byHash = rdd.reduceByKey(partitioner: HashPartitioner(partitions: 2), F.Sum())
                    let sumsByHash = try await byHash.collect()
                    #expect(Dictionary(uniqueKeysWithValues: sumsByHash) == expected, "\(data)")
                    let byModulo = rdd.reduceByKey(partitioner: S.ModuloPartitioner(partitionCount: 4), F.Sum())
                    let parts = try await byModulo.glom().collect()
                    #expect(parts.count == 4)
                    for (index, part) in parts.enumerated() {
                        #expect(part.allSatisfy { ($0.0 % 4 + 4) % 4 == index }, "\(data): partition \(index)")
                    }
                    #expect(Dictionary(uniqueKeysWithValues: parts.flatMap { $0 }) == expected, "\(data)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func reduceByKeyCountsStringKeys(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let words = (0..<2000).map { "w\($0 % 37)" }
                let counts = try await sc.parallelize(words, numPartitions: 6).map(F.PairWithOne()).reduceByKey(F.Sum()).collect()
                var expected: [String: Int] = [:]
                for word in words { expected[word, default: 0] += 1 }
                #expect(Dictionary(uniqueKeysWithValues: counts) == expected)
                // max is associative and commutative too; keeps the greatest value per key.
                let greatest = try await sc.parallelize(words.enumerated().map { ($0.element, $0.offset) }, numPartitions: 4)
                    .reduceByKey(S.Extremum(greatest: true)).collectAsMap()
                #expect(greatest == Dictionary(words.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: max))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func foldAndAggregateByKeyMatchDictionaries(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let groups = Expected.grouped(data.pairs)
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let sums = try await rdd.foldByKey(zero: 0, F.Sum()).collect()
                    #expect(Dictionary(uniqueKeysWithValues: sums) == groups.mapValues { $0.reduce(0, +) }, "\(data)")
                    let minima = try await rdd.foldByKey(zero: Int.max, numPartitions: 2, S.Extremum(greatest: false)).collect()
                    #expect(Dictionary(uniqueKeysWithValues: minima) == groups.mapValues { $0.min()! }, "\(data)")
                    // (sum, count) per key: the combiner type differs from the value type.
                    let stats = try await rdd.aggregateByKey(numPartitions: 3, S.SumAndCount()).collect()
                    let expectedStats = groups.mapValues { WirePair($0.reduce(0, +), $0.count) }
                    #expect(Dictionary(uniqueKeysWithValues: stats) == expectedStats, "\(data)")
                }
            }
        }

        // Stays on .all: a test of the closure and Aggregator forms (the registered form is tested below).
        @Test(arguments: EngineSetup.all)
        func combineByKeyWithClosuresAndWithAnAggregator(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let groups = Expected.grouped(data.pairs)
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let distinct = try await rdd.combineByKey(createCombiner: { Set([$0 % 5]) },
                                                              mergeValue: { $0.union([$1 % 5]) },
                                                              mergeCombiners: { $0.union($1) },
                                                              numPartitions: 4).collect()
                    #expect(Dictionary(uniqueKeysWithValues: distinct) == groups.mapValues { Set($0.map { $0 % 5 }) }, "\(data)")
                    let maxima = try await rdd.combineByKey(Aggregator<Int, Int>.reducing { max($0, $1) },
                                                            partitioner: ModuloPartitioner(partitionCount: 3)).collect()
                    #expect(Dictionary(uniqueKeysWithValues: maxima) == groups.mapValues { $0.max()! }, "\(data)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func combineByKeyWithRegisteredFunctions(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let groups = Expected.grouped(data.pairs)
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    // The combiner's type differs from the value's.
                    let distinct = try await rdd.combineByKey(numPartitions: 4, S.ResidueSet(modulus: 5)).collect()
                    #expect(Dictionary(uniqueKeysWithValues: distinct) == groups.mapValues { Set($0.map { $0 % 5 }) }, "\(data)")
                    let maxima = try await rdd.combineByKey(S.Greatest()).collect()
                    #expect(Dictionary(uniqueKeysWithValues: maxima) == groups.mapValues { $0.max()! }, "\(data)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func groupByKeyGathersEveryValue(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let expected = Expected.grouped(data.pairs).mapValues { $0.sorted() }
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let groups = try await rdd.groupByKey().collect()
                    #expect(normalized(groups) == expected, "\(data)")
                    let groupsInSeven = try await rdd.groupByKey(numPartitions: 7).collect()
                    #expect(normalized(groupsInSeven) == expected, "\(data)")
                    let groupsInOne = try await rdd.groupByKey(partitioner: HashPartitioner(partitions: 1)).collect()
                    #expect(normalized(groupsInOne) == expected)
                    let groupsByModulo = try await rdd.groupByKey(partitioner: S.ModuloPartitioner(partitionCount: 2)).collect()
                    #expect(normalized(groupsByModulo) == expected)
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func mapAndFlatMapValuesKeepKeysAndPartitioner(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let mapped = try await rdd.mapValues(S.Prefixed(prefix: "v")).collect()
                    #expect(mapped.map(\.0) == data.pairs.map(\.0) && mapped.map(\.1) == data.pairs.map { "v\($0.1)" }, "\(data)")
                    let flat = try await rdd.flatMapValues(S.UpToResidue(modulus: 3)).collect()
                    let expectedFlat = data.pairs.flatMap { pair in (0..<abs(pair.1 % 3)).map { (pair.0, $0) } }
                    #expect(flat.map(\.0) == expectedFlat.map(\.0) && flat.map(\.1) == expectedFlat.map(\.1), "\(data)")
                    let keys = try await rdd.keys().collect()
                    #expect(keys == data.pairs.map(\.0))
                    let values = try await rdd.values().collect()
                    #expect(values == data.pairs.map(\.1))
                }
                let reduced = sc.parallelize([(1, 1), (2, 2)], numPartitions: 2).reduceByKey(numPartitions: 5, F.Sum())
                let partitioner = try #require(reduced.partitioner)
                #expect(reduced.mapValues(S.Affine(multiplier: 2)).partitioner?.isEquivalent(to: partitioner) == true)
                #expect(reduced.flatMapValues(S.RepeatValue(times: 2)).partitioner?.isEquivalent(to: partitioner) == true)
                #expect(reduced.keys().partitioner == nil)
                // A flatMapValues that returns nothing for a key skips it.
                let sparse = try await reduced.flatMapValues(S.SkipValue(skipped: 1)).collect()
                #expect(sparse.map(\.0) == [2] && sparse.map(\.1) == [2])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func partitionByPlacesKeysAndSkipsAMatchingShuffle(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                    let hash = HashPartitioner(partitions: 4)
                    let placed = rdd.partitionBy(hash)
                    let parts = try await placed.glom().collect()
                    #expect(parts.count == 4)
                    for (index, part) in parts.enumerated() {
                        #expect(part.allSatisfy { hash.partition(of: $0.0) == index }, "\(data)")
                    }
                    let all = parts.flatMap { $0 }
                    #expect(all.map { "\($0)" }.sorted() == data.pairs.map { "\($0)" }.sorted(), "\(data)")
                    #expect(placed.partitionBy(HashPartitioner(partitions: 4)) === placed)
                    #expect(placed.mapValues(S.Affine()).partitionBy(hash).partitionCount == 4)
                    #expect(placed.partitionBy(HashPartitioner(partitions: 3)) !== placed)
                    let modulo = rdd.partitionBy(S.ModuloPartitioner(partitionCount: 3))
                    #expect(modulo.partitionBy(S.ModuloPartitioner(partitionCount: 3)) === modulo)
                    for (index, part) in try await modulo.glom().collect().enumerated() {
                        #expect(part.allSatisfy { ($0.0 % 3 + 3) % 3 == index })
                    }
                    for descending in [false, true] {
                        let ranges = try await rdd.partitionBy(RangePartitioner(bounds: [0, 100], descending: descending)).glom().collect()
                        #expect(ranges.count == 3)
                        for (index, part) in ranges.enumerated() {
                            let expected = { (key: Int) in key <= 0 ? 0 : key <= 100 ? 1 : 2 }
                            #expect(part.allSatisfy { (descending ? 2 - expected($0.0) : expected($0.0)) == index }, "\(data)")
                        }
                        #expect(ranges.flatMap { $0 }.map { "\($0)" }.sorted() == data.pairs.map { "\($0)" }.sorted(), "\(data)")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aggregatingAPartitionedRDDByItsPartitionerNeedsNoShuffle(setup: EngineSetup) async throws {
            try await setup.run { sc in
                for data in PairCase.all {
                    let groups = Expected.grouped(data.pairs)
                    let hash = HashPartitioner(partitions: 4)
                    let placed = sc.parallelize(data.pairs, numPartitions: data.partitions).partitionBy(hash)
                    let sums = placed.reduceByKey(partitioner: hash, F.Sum())
                    #expect(shuffleCount(sums) == 1)
                    #expect(sums.partitioner?.isEquivalent(to: hash) == true)
                    let sumsMap = try await sums.collectAsMap()
                    #expect(sumsMap == groups.mapValues { $0.reduce(0, +) }, "\(data)")
                    let grouped = placed.mapValues(S.Affine(multiplier: 2)).groupByKey(partitioner: hash)
                    #expect(shuffleCount(grouped) == 1)
                    let groupedMap = normalized(try await grouped.collect())
                    #expect(groupedMap == groups.mapValues { $0.map { $0 * 2 }.sorted() }, "\(data)")
                    // With no partition count given, the RDD's own partitioner is kept.
                    let kept = placed.foldByKey(zero: 0, F.Sum())
                    #expect(kept.partitionCount == 4 && shuffleCount(kept) == 1)
                    let keptMap = try await kept.collectAsMap()
                    #expect(keptMap == sumsMap)
                    // Another partition count does shuffle.
                    let moved = placed.reduceByKey(numPartitions: 3, F.Sum())
                    #expect(shuffleCount(moved) == 2)
                    let movedMap = try await moved.collectAsMap()
                    #expect(movedMap == sumsMap)
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func registeredFunctionsAreNamedInTheLineage(setup: EngineSetup) async throws {
            try await setup.run { sc in
                let data = PairCase.all[4]
                let groups = Expected.grouped(data.pairs)
                let rdd = sc.parallelize(data.pairs, numPartitions: data.partitions)
                let shifted = rdd.mapValues(S.Affine(offset: 5))
                #expect(shifted.function?.name == "suite.affine" && !shifted.runsUserClosure)
                let shiftedValues = try await shifted.values().collect()
                #expect(shiftedValues == data.pairs.map { $0.1 + 5 })
                let repeated = rdd.flatMapValues(S.RepeatValue(times: 2))
                #expect(repeated.function?.name == "suite.repeatValue")
                let repeatedCount = try await repeated.count()
                #expect(repeatedCount == 2 * data.pairs.count)
                let summed = rdd.reduceByKey(F.Sum())
                #expect(summed.function?.name == "atomic.sumInts" && !summed.runsUserClosure)
                let sums = try await summed.collectAsMap()
                #expect(sums == groups.mapValues { $0.reduce(0, +) })
                let folded = rdd.foldByKey(zero: 0, numPartitions: 2, F.Sum())
                #expect(folded.function?.name == "atomic.sumInts")
                let folds = try await folded.collectAsMap()
                #expect(folds == groups.mapValues { $0.reduce(0, +) })
                #expect(rdd.reduceByKey(+).runsUserClosure)
                #expect(!rdd.groupByKey().runsUserClosure)
            }
        }

        // Stays on .all: throwing closures, and a partitioner of the test target's own (the registered forms are tested below).
        @Test(arguments: EngineSetup.all)
        func aThrowingFunctionOrABadPartitionerFailsTheJob(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 1) { sc in
                let rdd = sc.parallelize((0..<100).map { ($0 % 7, $0) }, numPartitions: 3)
                await #expect(throws: JobFailedError.self) {
                    _ = try await rdd.reduceByKey { a, b in if a + b > 300 { throw Boom() }; return a + b }.collect()
                }
                await #expect(throws: JobFailedError.self) {
                    _ = try await rdd.aggregateByKey(zero: 0, seqOp: { _, _ in throw Boom() }, combOp: +).collect()
                }
                do {
                    _ = try await rdd.partitionBy(ModuloPartitioner(partitionCount: 2, broken: true)).collect()
                    Issue.record("a partitioner placing keys out of range must fail the job")
                } catch let failure as JobFailedError {
                    guard case EngineError.invalidArgument(let operation, _) = failure.underlying else {
                        Issue.record("unexpected error \(failure.underlying)")
                        return
                    }
                    #expect(operation.contains("ModuloPartitioner"))
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aThrowingRegisteredFunctionOrPartitionerFailsTheJob(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 1) { sc in
                let rdd = sc.parallelize((0..<100).map { ($0 % 7, $0) }, numPartitions: 3)
                await #expect(throws: JobFailedError.self) {
                    _ = try await rdd.reduceByKey(S.SumAtMost(limit: 300)).collect()
                }
                await #expect(throws: JobFailedError.self) {
                    _ = try await rdd.aggregateByKey(S.SumAndCount(failing: true)).collect()
                }
                do {
                    _ = try await rdd.partitionBy(S.ModuloPartitioner(partitionCount: 2, broken: true)).collect()
                    Issue.record("a partitioner placing keys out of range must fail the job")
                } catch let failure as JobFailedError {
                    // In this process the engine's error itself; from a worker process, its type and message.
                    if case EngineError.invalidArgument(let operation, _) = failure.underlying {
                        #expect(operation.contains("ModuloPartitioner"))
                    } else if let remote = failure.underlying as? RemoteTaskError {
                        #expect(remote.typeName.hasSuffix("EngineError") && remote.message.contains("ModuloPartitioner"), "\(remote)")
                    } else {
                        Issue.record("unexpected error \(failure.underlying)")
                    }
                }
            }
        }

        @Test func aPartitionerThatIsNotRegisteredFailsOnWorkerProcessesWithATypedError() async throws {
            let setup = try #require(EngineSetup.workerProcesses.first)
            try await setup.run { sc in
                let rdd = sc.parallelize((0..<100).map { ($0 % 7, $0) }, numPartitions: 3)
                // The test target's own partitioner is no PartitionerFunction: the job cannot ship.
                for placed in [rdd.partitionBy(ModuloPartitioner(partitionCount: 2)),
                               rdd.reduceByKey(partitioner: ModuloPartitioner(partitionCount: 2), F.Sum())] {
                    do {
                        _ = try await placed.collect()
                        Issue.record("a job with a partitioner that is not registered must not run on worker processes")
                    } catch EngineError.notShippable(_, let rddId, let reason) {
                        #expect(rddId == placed.id && reason.contains("does not run on a cluster yet"))
                    }
                }
            }
        }
    }
}
