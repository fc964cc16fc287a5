import Foundation

/// Draws counts from a Poisson distribution of a fixed mean: how many copies of
/// an element `sample(withReplacement: true, …)` keeps.
///
/// Knuth's product-of-uniforms method, with the mean cut into steps of at most
/// 16 (a Poisson of mean a + b is the sum of Poissons of means a and b), so
/// `exp(-step)` never underflows; the limits are computed once.
///
/// - Complexity: O(mean + 1) uniform draws per count, the size of the output.
struct PoissonDraw: Sendable {
    /// `exp(-step)` for each step of the mean.
    private let limits: [Double]

    /// A distribution of mean `mean` (finite, at least 0).
    init(mean: Double) {
        var limits: [Double] = []
        var remaining = mean
        while remaining > 0 {
            let step = min(remaining, 16)
            limits.append(exp(-step))
            remaining -= step
        }
        self.limits = limits
    }

    /// One count.
    func draw(using random: inout SplitMix64) -> Int {
        var count = 0
        for limit in limits {
            var product = random.nextUnit()
            while product > limit {
                count += 1
                product *= random.nextUnit()
            }
        }
        return count
    }
}
