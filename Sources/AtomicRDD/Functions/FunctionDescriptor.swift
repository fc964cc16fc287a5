import AtomicTransport

/// A registered function as data: its stable name and its encoded parameters.
/// Lineage made of registered functions can be shipped to a worker and rebuilt
/// there through the ``FunctionRegistry``.
public struct FunctionDescriptor: Sendable, Hashable, WireCodable, CustomStringConvertible {
    /// The function type's stable name in the registry.
    public var name: String
    /// The function value's wire form (its stored properties).
    public var parameters: [UInt8]

    /// A descriptor from its parts.
    public init(name: String, parameters: [UInt8]) {
        self.name = name
        self.parameters = parameters
    }

    /// Encodes name then parameters.
    public func encode(to writer: inout WireWriter) {
        writer.write(name)
        writer.write(parameters)
    }

    /// Decodes what `encode` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        name = try reader.read()
        parameters = try reader.read()
    }

    /// The name.
    public var description: String { name }
}
