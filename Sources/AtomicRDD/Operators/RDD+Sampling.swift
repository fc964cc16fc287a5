import AtomicTransport

extension RDD {
    /// A random sample of the elements, drawn independently in each partition.
    ///
    /// Without replacement each element is kept with probability `fraction`
    /// (Bernoulli sampling, so the size is only about `fraction` of the count);
    /// with replacement each element is kept a Poisson-distributed number of
    /// times of mean `fraction`, which may then exceed 1. The draws of a
    /// partition come from `seed` and the partition's index, so recomputing a
    /// partition gives the same sample as long as its input order is the same.
    ///
    /// ```swift
    /// let tenth = try logs.sample(withReplacement: false, fraction: 0.1, seed: 42)
    /// ```
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` when
    ///   `fraction` is negative or not finite, or above 1 without replacement.
    public func sample(withReplacement: Bool, fraction: Double,
                       seed: UInt64 = .random(in: .min ... .max)) throws(EngineError) -> RDD<Element> {
        guard fraction.isFinite, fraction >= 0, withReplacement || fraction <= 1 else {
            throw .invalidArgument(operation: "sample", reason: withReplacement
                ? "fraction \(fraction) must be finite and at least 0"
                : "fraction \(fraction) must be between 0 and 1 without replacement")
        }
        return sampled(withReplacement: withReplacement, fraction: fraction, seed: seed)
    }

    /// ``sample(withReplacement:fraction:seed:)`` of a fraction checked by the caller.
    func sampled(withReplacement: Bool, fraction: Double, seed: UInt64) -> RDD<Element> {
        let arguments = WireWriter.bytes { $0.write(withReplacement); $0.write(fraction); $0.write(seed) }
        return context.recording("sample", arguments: arguments, parents: [self]) {
            drawn(withReplacement: withReplacement, fraction: fraction, seed: seed)
        }
    }

    private func drawn(withReplacement: Bool, fraction: Double, seed: UInt64) -> RDD<Element> {
        if withReplacement {
            let poisson = PoissonDraw(mean: fraction)
            return MapPartitionsRDD(parent: self, operatorName: "sample", runsUserClosure: false,
                                    preservesPartitioning: true) { _, split, input in
                var input = input
                var random = SplitMix64(seed: seed, stream: split)
                var current: Element?
                var copies = 0
                return Records {
                    while copies == 0 {
                        guard let element = try input.next() else { return nil }
                        (current, copies) = (element, poisson.draw(using: &random))
                    }
                    copies -= 1
                    return current
                }
            }
        }
        return MapPartitionsRDD(parent: self, operatorName: "sample", runsUserClosure: false,
                                preservesPartitioning: true) { _, split, input in
            var input = input
            var random = SplitMix64(seed: seed, stream: split)
            return Records {
                while let element = try input.next() {
                    if random.nextUnit() < fraction { return element }
                }
                return nil
            }
        }
    }

    /// Splits the elements at random into RDDs whose sizes are about
    /// proportional to `weights` (normalized to sum 1).
    ///
    /// Every element lands in exactly one of the splits: each RDD draws the same
    /// number per element (from `seed` and the partition's index) and keeps the
    /// elements whose number falls in its own slice of [0, 1). Each split
    /// computes this RDD again, so persist it first, and its order must be
    /// deterministic for the splits to stay disjoint.
    ///
    /// ```swift
    /// let parts = try data.randomSplit(weights: [0.8, 0.2], seed: 7)
    /// let (training, test) = (parts[0], parts[1])
    /// ```
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` when there
    ///   are no weights, one is negative or not finite, or they sum to 0.
    public func randomSplit(weights: [Double], seed: UInt64 = .random(in: .min ... .max)) throws(EngineError) -> [RDD<Element>] {
        guard !weights.isEmpty, weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw .invalidArgument(operation: "randomSplit", reason: "weights \(weights) must be finite, at least 0, and not empty")
        }
        let total = weights.reduce(0, +)
        guard total > 0, total.isFinite else {
            throw .invalidArgument(operation: "randomSplit", reason: "weights \(weights) must sum to more than 0")
        }
        var bounds = [0.0]
        for weight in weights { bounds.append(bounds[bounds.count - 1] + weight / total) }
        // Rounding must not leave numbers near 1 to no split.
        bounds[bounds.count - 1] = 1
        return weights.indices.map { randomSlice(bounds[$0]..<bounds[$0 + 1], seed: seed) }
    }

    /// One split of ``randomSplit(weights:seed:)``: the elements whose draw falls in `slice`.
    func randomSlice(_ slice: Range<Double>, seed: UInt64) -> RDD<Element> {
        let arguments = WireWriter.bytes { $0.write(slice.lowerBound); $0.write(slice.upperBound); $0.write(seed) }
        return context.recording("randomSlice", arguments: arguments, parents: [self]) {
            MapPartitionsRDD(parent: self, operatorName: "randomSplit", runsUserClosure: false,
                             preservesPartitioning: true) { _, split, input in
                var input = input
                var random = SplitMix64(seed: seed, stream: split)
                return Records {
                    while let element = try input.next() {
                        if slice.contains(random.nextUnit()) { return element }
                    }
                    return nil
                }
            }
        }
    }
}
