@_exported import AtomicRDD

/// Namespace of the AtomicStreaming module; its types arrive with their issues.
public enum AtomicStreaming {
    /// The module's place in the layer diagram, for diagnostics.
    public static let layer = "AtomicStreaming"
}
