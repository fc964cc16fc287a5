/// Where a persisted RDD keeps its partitions.
public enum StorageLevel: String, Sendable, Hashable, CustomStringConvertible {
    /// Not persisted: recomputed from lineage every time.
    case none
    /// Kept as objects in memory; evicted blocks are dropped and recomputed when needed.
    case memoryOnly
    /// Kept in memory; evicted blocks move to disk, serialized with the wire codec.
    case memoryAndDisk
    /// Kept on disk only, serialized with the wire codec.
    case diskOnly

    /// The level's name.
    public var description: String { rawValue }

    var usesMemory: Bool { self == .memoryOnly || self == .memoryAndDisk }
    var usesDisk: Bool { self == .memoryAndDisk || self == .diskOnly }
}
