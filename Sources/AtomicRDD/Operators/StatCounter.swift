import AtomicTransport

/// Count, mean, variance, least and greatest of numbers, merged across
/// partitions without a second pass (Chan et al.'s parallel variance).
public struct StatCounter: Sendable, Equatable, CustomStringConvertible {
    /// How many numbers.
    public private(set) var count = 0
    /// Their mean (0 when there are none).
    public private(set) var mean = 0.0
    private var m2 = 0.0
    /// The greatest (−infinity when there are none).
    public private(set) var max = -Double.infinity
    /// The least (+infinity when there are none).
    public private(set) var min = Double.infinity

    /// No numbers yet.
    public init() {}

    /// Adds a number.
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        max = Swift.max(max, value)
        min = Swift.min(min, value)
    }

    /// Adds the numbers counted by `other`.
    public mutating func merge(_ other: StatCounter) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let total = Double(count + other.count)
        let delta = other.mean - mean
        mean += delta * Double(other.count) / total
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / total
        count += other.count
        max = Swift.max(max, other.max)
        min = Swift.min(min, other.min)
    }

    /// The sum.
    public var sum: Double { mean * Double(count) }
    /// The population variance (NaN when there are no numbers).
    public var variance: Double { count == 0 ? .nan : m2 / Double(count) }
    /// The sample variance (NaN with fewer than two numbers).
    public var sampleVariance: Double { count < 2 ? .nan : m2 / Double(count - 1) }
    /// The population standard deviation.
    public var stdev: Double { variance.squareRoot() }
    /// The sample standard deviation.
    public var sampleStdev: Double { sampleVariance.squareRoot() }

    /// "(count: …, mean: …, stdev: …, max: …, min: …)".
    public var description: String { "(count: \(count), mean: \(mean), stdev: \(stdev), max: \(max), min: \(min))" }
}

extension StatCounter: WireCodable {
    /// Writes count, mean, the sum of squared deviations, max and min: a
    /// partition's statistics travel from a worker this way.
    public func encode(to writer: inout WireWriter) {
        writer.write(count); writer.write(mean); writer.write(m2); writer.write(max); writer.write(min)
    }

    /// Reads what ``encode(to:)`` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        count = try reader.read()
        mean = try reader.read()
        m2 = try reader.read()
        max = try reader.read()
        min = try reader.read()
    }
}
