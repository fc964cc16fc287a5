/// Records a distributed call's generic substitutions and arguments with the wire codec.
public struct WireInvocationEncoder: DistributedTargetInvocationEncoder {
    /// Arguments must be ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    var genericSubstitutions: [String] = []
    var arguments: [[UInt8]] = []

    /// Records a generic parameter's type by mangled name.
    public mutating func recordGenericSubstitution<T>(_ type: T.Type) throws {
        genericSubstitutions.append(_mangledTypeName(type) ?? _typeName(type))
    }

    /// Encodes one argument.
    public mutating func recordArgument<Value: SerializationRequirement>(_ argument: RemoteCallArgument<Value>) throws {
        arguments.append(argument.value.wireBytes())
    }

    /// Errors travel as type name and message; nothing to record.
    public mutating func recordErrorType<E: Error>(_ type: E.Type) throws {}

    /// The return type is known to both sides from the target; nothing to record.
    public mutating func recordReturnType<R: SerializationRequirement>(_ type: R.Type) throws {}

    /// Nothing to finish.
    public mutating func doneRecording() throws {}
}

/// Reads a call's generic substitutions and arguments back, for `executeDistributedTarget`.
public struct WireInvocationDecoder: DistributedTargetInvocationDecoder {
    /// Arguments must be ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    let envelope: CallEnvelope
    let types: TypeNameCache
    var nextArgument = 0

    /// Resolves the recorded generic substitutions to types.
    public mutating func decodeGenericSubstitutions() throws -> [Any.Type] {
        try envelope.genericSubstitutions.map { name in
            guard let type = types.type(named: name) else {
                throw RemoteCallError.invocationFailed(target: envelope.target, reason: "unknown type \(name)")
            }
            return type
        }
    }

    /// Decodes the next argument.
    public mutating func decodeNextArgument<Argument: SerializationRequirement>() throws -> Argument {
        guard nextArgument < envelope.arguments.count else {
            throw RemoteCallError.invocationFailed(target: envelope.target, reason: "missing argument \(nextArgument)")
        }
        defer { nextArgument += 1 }
        do {
            return try Argument(wireBytes: envelope.arguments[nextArgument])
        } catch {
            throw RemoteCallError.invocationFailed(target: envelope.target, reason: "argument \(nextArgument): \(error)")
        }
    }

    /// Not recorded.
    public mutating func decodeErrorType() throws -> Any.Type? { nil }

    /// Not recorded.
    public mutating func decodeReturnType() throws -> Any.Type? { nil }
}
