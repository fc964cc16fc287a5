import Synchronization

/// Caches type lookups by mangled name: `_typeByName` is slow, and generic
/// distributed calls resolve the same few types over and over.
final class TypeNameCache: Sendable {
    private let cache = Mutex<[String: TypeBox]>([:])

    /// The type with `name`, or nil when this build has none.
    func type(named name: String) -> Any.Type? {
        if let hit = cache.withLock({ $0[name] }) { return hit.type }
        guard let type = _typeByName(name) else { return nil }
        cache.withLock { $0[name] = TypeBox(type: type) }
        return type
    }

    /// A metatype box; metatypes are immutable, so sharing them is safe.
    private struct TypeBox: @unchecked Sendable {
        let type: Any.Type
    }
}
