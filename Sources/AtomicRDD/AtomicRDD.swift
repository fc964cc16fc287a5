@_exported import AtomicActors

/// Namespace of the AtomicRDD module; its types arrive with their issues.
public enum AtomicRDD {
    /// The module's place in the layer diagram, for diagnostics.
    public static let layer = "AtomicRDD"
}
