import Testing
@testable import atomic

extension ExampleSuite {
    @Suite struct PiExampleTests {
        @Test(arguments: LocalSetup.all)
        func draws_every_sample_and_counts_the_points_inside(setup: LocalSetup) async throws {
            try await setup.run { sc in
                // 10 samples over 3 partitions: 4, 3 and 3 points.
                let small = try await PiExample.estimate(sc, samples: 10, partitions: 3)
                let expectedInside = PiExample.insideCount(samples: 4, seed: 0) + PiExample.insideCount(samples: 3, seed: 1)
                    + PiExample.insideCount(samples: 3, seed: 2)
                #expect(small == PiExample.Result(samples: 10, inside: expectedInside))

                let result = try await PiExample.estimate(sc, samples: 200_000, partitions: 7)
                #expect(result.samples == 200_000)
                #expect(abs(result.estimate - Double.pi) < 0.02)
            }
        }

        @Test(arguments: LocalSetup.all)
        func more_partitions_than_samples_and_no_samples_at_all(setup: LocalSetup) async throws {
            try await setup.run { sc in
                let sparse = try await PiExample.estimate(sc, samples: 3, partitions: 8)
                #expect(sparse.samples == 3 && sparse.inside <= 3)
                let none = try await PiExample.estimate(sc, samples: 0, partitions: 2)
                #expect(none == PiExample.Result(samples: 0, inside: 0))
                #expect(none.estimate == 0)
            }
        }

        @Test func points_inside_are_counted_against_the_unit_circle() {
            // Plain check of the generator: a quarter circle covers π/4 of the square.
            let inside = PiExample.insideCount(samples: 100_000, seed: 9)
            #expect(abs(Double(inside) / 100_000 - Double.pi / 4) < 0.01)
            #expect(PiExample.insideCount(samples: 0, seed: 9) == 0)
        }
    }
}
