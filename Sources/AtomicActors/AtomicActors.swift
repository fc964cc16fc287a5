@_exported import AtomicTransport

/// Namespace of the AtomicActors module; its types arrive with their issues.
public enum AtomicActors {
    /// The module's place in the layer diagram, for diagnostics.
    public static let layer = "AtomicActors"
}
