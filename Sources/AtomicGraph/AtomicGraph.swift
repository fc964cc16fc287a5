@_exported import AtomicRDD

/// Namespace of the AtomicGraph module; its types arrive with their issues.
public enum AtomicGraph {
    /// The module's place in the layer diagram, for diagnostics.
    public static let layer = "AtomicGraph"
}
