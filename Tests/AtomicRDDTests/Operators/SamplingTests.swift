import Testing
@testable import AtomicRDD

extension EngineSuite {
    @Suite struct SamplingTests {
        @Test(arguments: EngineSetup.shippable)
        func sampleWithoutReplacementIsADeterministicSubset(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let n = 10_000
                let rdd = sc.range(0, n, numPartitions: 4)
                let sample = try rdd.sample(withReplacement: false, fraction: 0.3, seed: 42)
                let drawn = try await sample.collect()
                // Bernoulli(0.3) of 10 000: standard deviation about 46.
                #expect(abs(drawn.count - 3000) < 250, "\(drawn.count) elements")
                #expect(drawn == drawn.sorted() && Set(drawn).count == drawn.count, "an ordered subset")
                #expect(drawn.allSatisfy { (0..<n).contains($0) })
                #expect(try await sample.collect() == drawn, "recomputing gives the same sample")
                #expect(try await rdd.sample(withReplacement: false, fraction: 0.3, seed: 42).collect() == drawn)
                #expect(try await rdd.sample(withReplacement: false, fraction: 0.3, seed: 43).collect() != drawn)

                #expect(try await rdd.sample(withReplacement: false, fraction: 0).collect().isEmpty)
                #expect(try await rdd.sample(withReplacement: false, fraction: 1).collect() == Array(0..<n))
                #expect(try await sc.emptyRDD(of: Int.self).sample(withReplacement: false, fraction: 0.5).collect().isEmpty)
                let tiny = try await sc.parallelize([1, 2], numPartitions: 6).sample(withReplacement: false, fraction: 1).collect()
                #expect(tiny == [1, 2])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sampleWithReplacementRepeatsElementsPoissonTimes(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let n = 10_000
                let rdd = sc.range(0, n, numPartitions: 3)
                for fraction in [0.2, 2.5] {
                    let drawn = try await rdd.sample(withReplacement: true, fraction: fraction, seed: 7).collect()
                    let expected = Double(n) * fraction, deviation = expected.squareRoot()
                    #expect(abs(Double(drawn.count) - expected) < 6 * deviation, "fraction \(fraction): \(drawn.count)")
                    #expect(drawn == drawn.sorted(), "copies of an element are adjacent, in input order")
                    #expect(drawn.allSatisfy { (0..<n).contains($0) })
                    let copies = Dictionary(drawn.map { ($0, 1) }, uniquingKeysWith: +)
                    if fraction > 1 { #expect(copies.values.contains { $0 > 2 }) }
                    #expect(try await rdd.sample(withReplacement: true, fraction: fraction, seed: 7).collect() == drawn)
                }
                #expect(try await rdd.sample(withReplacement: true, fraction: 0).collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func sampleRejectsBadFractionsAtTheCall(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let rdd = sc.parallelize([1, 2, 3])
                let cases: [(Bool, Double)] = [(false, -0.1), (false, 1.5), (true, -1), (false, .nan), (true, .infinity)]
                for (withReplacement, fraction) in cases {
                    do {
                        _ = try rdd.sample(withReplacement: withReplacement, fraction: fraction)
                        Issue.record("fraction \(fraction) was accepted")
                    } catch let error as EngineError {
                        guard case .invalidArgument(let operation, _) = error else { Issue.record("wrong error \(error)"); continue }
                        #expect(operation == "sample")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func randomSplitIsDisjointCoveringAndProportional(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let n = 6000
                let rdd = sc.range(0, n, numPartitions: 5)
                let splits = try rdd.randomSplit(weights: [3, 0, 1, 2], seed: 11)
                #expect(splits.count == 4)
                var all: [Int] = []
                var sizes: [Int] = []
                for split in splits {
                    let part = try await split.collect()
                    #expect(part == part.sorted())
                    sizes.append(part.count)
                    all += part
                }
                #expect(all.sorted() == Array(0..<n), "every element in exactly one split")
                #expect(sizes[1] == 0)
                for (size, weight) in zip(sizes, [3.0, 0, 1, 2]) {
                    #expect(abs(Double(size) - Double(n) * weight / 6) < 200, "sizes \(sizes)")
                }
                let again = try rdd.randomSplit(weights: [3, 0, 1, 2], seed: 11)
                let first = try await splits[2].collect()
                #expect(try await again[2].collect() == first)

                let single = try rdd.randomSplit(weights: [5])
                #expect(try await single[0].collect() == Array(0..<n))
                let empty = try sc.emptyRDD(of: Int.self).randomSplit(weights: [1, 1])
                #expect(try await empty[0].collect().isEmpty)
                #expect(try await empty[1].collect().isEmpty)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func randomSplitRejectsBadWeightsAtTheCall(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let rdd = sc.parallelize([1, 2, 3])
                for weights in [[], [1, -1], [0, 0], [1, .nan], [.infinity, 1]] as [[Double]] {
                    do {
                        _ = try rdd.randomSplit(weights: weights)
                        Issue.record("weights \(weights) were accepted")
                    } catch let error as EngineError {
                        guard case .invalidArgument(let operation, _) = error else { Issue.record("wrong error \(error)"); continue }
                        #expect(operation == "randomSplit")
                    }
                }
            }
        }
    }
}
