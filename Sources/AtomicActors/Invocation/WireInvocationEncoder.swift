/// Records a distributed call's generic substitutions and arguments with the wire codec.
///
/// Arguments are encoded into one buffer as they are recorded, each after its
/// length, so one bad argument cannot shift the rest and the call's payload is
/// written with a single copy of them (see ``CallEnvelope``).
public struct WireInvocationEncoder: DistributedTargetInvocationEncoder {
    /// Arguments must be ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    var genericSubstitutions: [String] = []
    /// The arguments, each a `UInt32` length and its encoding.
    /// Room for small arguments and the call's header, which is written after
    /// them (``CallEnvelope``).
    var arguments = WireWriter(capacity: 256)
    var argumentCount = 0

    /// Records a generic parameter's type by mangled name.
    public mutating func recordGenericSubstitution<T>(_ type: T.Type) throws {
        genericSubstitutions.append(_mangledTypeName(type) ?? _typeName(type))
    }

    /// Encodes one argument.
    public mutating func recordArgument<Value: SerializationRequirement>(_ argument: RemoteCallArgument<Value>) throws {
        let at = arguments.count
        arguments.writeFixed(UInt32(0))
        SpecializedCoding.encode(argument.value, to: &arguments)
        arguments.overwriteFixed(UInt32(arguments.count - at - 4), at: at)
        argumentCount += 1
    }

    /// Errors travel as type name and message; nothing to record.
    public mutating func recordErrorType<E: Error>(_ type: E.Type) throws {}

    /// The return type is known to both sides from the target; nothing to record.
    public mutating func recordReturnType<R: SerializationRequirement>(_ type: R.Type) throws {}

    /// Nothing to finish.
    public mutating func doneRecording() throws {}
}

/// Reads a call's generic substitutions and arguments back, for `executeDistributedTarget`,
/// straight from the request frame's bytes.
public struct WireInvocationDecoder: DistributedTargetInvocationDecoder {
    /// Arguments must be ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    let envelope: CallEnvelope
    let types: TypeNameCache
    var nextArgument = 0
    var offset: Int

    init(envelope: CallEnvelope, types: TypeNameCache) {
        self.envelope = envelope
        self.types = types
        self.offset = envelope.argumentsStart
    }

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
        guard nextArgument < envelope.argumentCount else {
            throw RemoteCallError.invocationFailed(target: envelope.target, reason: "missing argument \(nextArgument)")
        }
        let index = nextArgument
        do {
            var reader = WireReader(envelope.payload, range: offset..<envelope.argumentsEnd)
            let length = try reader.readFixed(UInt32.self)
            let range = try reader.readRawRange(count: Int(length))
            offset = range.upperBound
            nextArgument += 1
            var argument = WireReader(envelope.payload, range: range)
            let value = try SpecializedCoding.decode(Argument.self, from: &argument)
            try argument.finish()
            return value
        } catch {
            throw RemoteCallError.invocationFailed(target: envelope.target, reason: "argument \(index): \(error)")
        }
    }

    /// Not recorded.
    public mutating func decodeErrorType() throws -> Any.Type? { nil }

    /// Not recorded.
    public mutating func decodeReturnType() throws -> Any.Type? { nil }
}
