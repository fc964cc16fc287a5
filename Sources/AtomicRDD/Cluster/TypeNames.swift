/// Swift types by name, the same in every process built from the same code:
/// how a worker learns the element and key types of an operator it rebuilds.
enum TypeNames {
    /// The stable (mangled) name of a type.
    static func name(_ type: Any.Type) -> String { _mangledTypeName(type) ?? String(reflecting: type) }

    /// The type with that name in this process.
    ///
    /// - Throws: ``EngineError/lineageNotRebuilt(operator:reason:)`` when no such type exists here.
    static func type(_ name: String, for operatorName: String) throws(EngineError) -> Any.Type {
        guard let type = _typeByName(name) else {
            throw .lineageNotRebuilt(operator: operatorName, reason: "no type named '\(name)' in this binary")
        }
        return type
    }
}
