import AtomicTransport

/// The registered functions an application declares, by stable name: built at
/// start-up from the same list in the driver and in every worker, never
/// changed after. Unknown names are a typed error, never a trap.
///
/// ```swift
/// let registry = try FunctionRegistry([Tokenize.self, CountWords.self])
/// let function = try registry.resolve(descriptor)   // a Tokenize with its parameters
/// ```
public struct FunctionRegistry: Sendable {
    private let types: [String: any RegisteredFunction.Type]

    /// A registry of the given function types.
    ///
    /// - Throws: ``RegistryError/duplicateName(_:)`` when two types share a name.
    public init(_ functions: [any RegisteredFunction.Type]) throws(RegistryError) {
        var types: [String: any RegisteredFunction.Type] = [:]
        for function in functions {
            if let existing = types[function.name], existing != function { throw .duplicateName(function.name) }
            types[function.name] = function
        }
        self.types = types
    }

    /// An empty registry: only closures and built-in operators.
    public static let empty = try! FunctionRegistry([])

    /// The registered names, sorted.
    public var names: [String] { types.keys.sorted() }

    /// True when `name` is registered.
    public func contains(_ name: String) -> Bool { types[name] != nil }

    /// A hash of the registered names and their Swift types: equal in processes
    /// built from the same code, so a worker built from other code is refused.
    public var fingerprint: UInt64 {
        var text = ""
        for name in names { text += "\(name)=\(String(reflecting: types[name]!));" }
        return StableHash.bytes(Array(text.utf8))
    }

    /// The function a descriptor names, decoded with its parameters.
    ///
    /// - Throws: ``RegistryError/unknownFunction(_:)`` or ``RegistryError/malformedParameters(name:error:)``.
    public func resolve(_ descriptor: FunctionDescriptor) throws(RegistryError) -> any RegisteredFunction {
        guard let type = types[descriptor.name] else { throw .unknownFunction(descriptor.name) }
        do { return try type.init(wireBytes: descriptor.parameters) } catch {
            throw .malformedParameters(name: descriptor.name, error: error)
        }
    }
}

/// Why the registry could not give a function.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No function is registered under this name.
    case unknownFunction(String)
    /// Two function types claim one name.
    case duplicateName(String)
    /// The parameters do not decode as the named function.
    case malformedParameters(name: String, error: WireError)

    /// A sentence saying what happened.
    public var description: String {
        switch self {
        case .unknownFunction(let name): "no registered function is named '\(name)'"
        case .duplicateName(let name): "two function types are registered as '\(name)'"
        case let .malformedParameters(name, error): "parameters of '\(name)' do not decode: \(error)"
        }
    }
}
