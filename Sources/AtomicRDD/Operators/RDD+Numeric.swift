/// Numbers an RDD can compute statistics of: integers and floating-point values.
public protocol NumericElement: Sendable, Comparable {
    /// The value as a Double.
    var doubleValue: Double { get }
}

extension Int: NumericElement { /// The value as a Double.
    public var doubleValue: Double { Double(self) } }
extension Int64: NumericElement { /// The value as a Double.
    public var doubleValue: Double { Double(self) } }
extension Int32: NumericElement { /// The value as a Double.
    public var doubleValue: Double { Double(self) } }
extension UInt64: NumericElement { /// The value as a Double.
    public var doubleValue: Double { Double(self) } }
extension Double: NumericElement { /// The value itself.
    public var doubleValue: Double { self } }
extension Float: NumericElement { /// The value as a Double.
    public var doubleValue: Double { Double(self) } }

extension RDD where Element: NumericElement {
    /// Count, mean, variance, least and greatest, in one pass.
    public func stats() async throws -> StatCounter {
        try await partitionStats().collect().reduce(into: StatCounter()) { $0.merge($1) }
    }

    /// The mean (NaN when empty).
    public func mean() async throws -> Double {
        let stats = try await stats()
        return stats.count == 0 ? .nan : stats.mean
    }
    /// The population variance.
    public func variance() async throws -> Double { try await stats().variance }
    /// The population standard deviation.
    public func stdev() async throws -> Double { try await stats().stdev }
    /// The sample variance.
    public func sampleVariance() async throws -> Double { try await stats().sampleVariance }
    /// The sample standard deviation.
    public func sampleStdev() async throws -> Double { try await stats().sampleStdev }

    /// Counts of the elements in `buckets` evenly spaced buckets between the
    /// least and greatest element; the last bucket includes the greatest.
    /// Returns the bucket boundaries (buckets + 1 of them) and the counts.
    ///
    /// - Throws: ``EngineError/emptyRDD(operation:)``, or ``EngineError/invalidArgument(operation:reason:)`` for buckets < 1.
    public func histogram(buckets: Int) async throws -> (boundaries: [Double], counts: [Int]) {
        guard buckets >= 1 else { throw EngineError.invalidArgument(operation: "histogram", reason: "buckets must be at least 1") }
        let stats = try await stats()
        guard stats.count > 0 else { throw EngineError.emptyRDD(operation: "histogram") }
        guard stats.max > stats.min else { return ([stats.min, stats.max], [stats.count]) }
        let width = (stats.max - stats.min) / Double(buckets)
        var boundaries = (0..<buckets).map { stats.min + Double($0) * width }
        boundaries.append(stats.max)
        return (boundaries, try await histogram(boundaries: boundaries))
    }

    /// Counts of the elements in the buckets between consecutive `boundaries`
    /// (sorted ascending): [b0, b1), [b1, b2), … [bn-1, bn], the last one closed.
    /// Elements outside are not counted.
    public func histogram(boundaries: [Double]) async throws -> [Int] {
        guard boundaries.count >= 2, Swift.zip(boundaries, boundaries.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw EngineError.invalidArgument(operation: "histogram", reason: "boundaries must be at least two, strictly increasing")
        }
        let buckets = boundaries.count - 1
        return try await partitionHistograms(boundaries).collect().reduce(into: Array(repeating: 0, count: buckets)) { total, part in
            for i in 0..<buckets { total[i] += part[i] }
        }
    }
}

extension RDD where Element: NumericElement & AdditiveArithmetic {
    /// The sum, in the element type (exact for integers).
    public func sum() async throws -> Element {
        try await partitionSums().collect().reduce(.zero, +)
    }
}
