/// Code generic over an RDD's element type, for callers that hold the RDD
/// untyped: a worker rebuilding an operator whose element type it learned at
/// run time. ``AnyRDD/open(_:)`` calls ``visit(_:)`` with the RDD typed.
///
/// ```swift
/// struct Sampled: ElementVisitor {
///     let fraction: Double
///     func visit<T: Sendable>(_ rdd: RDD<T>) throws -> AnyRDD { try rdd.sample(withReplacement: false, fraction: fraction) }
/// }
/// let sampled = try untyped.open(Sampled(fraction: 0.1))
/// ```
protocol ElementVisitor {
    /// What the visit gives.
    associatedtype Result
    /// Called with the RDD as its own type.
    func visit<T: Sendable>(_ rdd: RDD<T>) throws -> Result
}
