/// Sends the outcome of an incoming call back to its caller, over the connection
/// the call came in on, with the call's correlation id.
public struct WireResultHandler: DistributedTargetInvocationResultHandler, Sendable {
    /// Results must be ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    let connection: Connection
    let correlationID: UInt64

    /// Replies with the encoded value, written straight after the reply's tag.
    public func onReturn<Success: SerializationRequirement>(value: Success) async throws {
        try await reply(value: value)
    }

    /// Replies with `value`, as ``onReturn(value:)`` does. The system's own path
    /// calls this instead: `onReturn` is an ad-hoc requirement, whose entry
    /// looks up `Success`'s conformance to ``WireCodable`` on every call.
    nonisolated(nonsending) func reply<Value: WireCodable>(value: Value) async throws {
        var writer = WireWriter(capacity: 64)
        ReplyEnvelope.value.encode(to: &writer)
        SpecializedCoding.encode(value, to: &writer)
        try await send(writer.take())
    }

    /// Replies that the call finished with no value.
    public func onReturnVoid() async throws {
        try await reply(.void)
    }

    /// Replies with the error's type name and description.
    public func onThrow<Err: Error>(error: Err) async throws {
        try await reply(.thrown(typeName: String(reflecting: type(of: error as any Error)), message: "\(error)"))
    }

    nonisolated(nonsending) func reply(_ envelope: ReplyEnvelope) async throws {
        try await send(envelope.wireBytes())
    }

    nonisolated(nonsending) private func send(_ payload: [UInt8]) async throws {
        try await connection.send(Frame(kind: .reply, correlationID: correlationID, payload: payload))
    }
}
