/// Sends the outcome of an incoming call back to its caller, over the connection
/// the call came in on, with the call's correlation id.
public struct WireResultHandler: DistributedTargetInvocationResultHandler {
    /// Results must be ``WireCodable``.
    public typealias SerializationRequirement = WireCodable

    let connection: Connection
    let correlationID: UInt64

    /// Replies with the encoded value.
    public func onReturn<Success: SerializationRequirement>(value: Success) async throws {
        try await reply(.value(value.wireBytes()))
    }

    /// Replies that the call finished with no value.
    public func onReturnVoid() async throws {
        try await reply(.void)
    }

    /// Replies with the error's type name and description.
    public func onThrow<Err: Error>(error: Err) async throws {
        try await reply(.thrown(typeName: String(reflecting: type(of: error as any Error)), message: "\(error)"))
    }

    func reply(_ envelope: ReplyEnvelope) async throws {
        try await connection.send(Frame(kind: .reply, correlationID: correlationID, payload: envelope.wireBytes()))
    }
}
