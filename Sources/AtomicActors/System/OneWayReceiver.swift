/// A distributed actor that also takes one-way messages: sent with
/// ``ClusterSystem/post(_:to:)``, never answered, delivered in the order they
/// were posted over one connection.
///
/// ```swift
/// distributed actor Counter: OneWayReceiver {
///     typealias ActorSystem = ClusterSystem
///     var total: Int64 = 0
///     func receive(_ message: Int64) { total += message }
/// }
/// try await system.post(Int64(5), to: counterAddress)
/// ```
public protocol OneWayReceiver: DistributedActor where ActorSystem == ClusterSystem {
    /// The messages it takes.
    associatedtype Message: WireCodable & Sendable
    /// Handles one message, on the actor.
    func receive(_ message: Message) async
}

extension FrameKind {
    /// A one-way message to an actor (``ClusterSystem/post(_:to:)``).
    public static let oneWay = FrameKind(rawValue: 16)
}

extension ClusterSystem {
    /// Sends `message` to the actor at `address` without waiting for an answer.
    /// Returns once the message is queued for sending; messages to one node keep
    /// their order. A message to a missing actor, or of the wrong type, is dropped
    /// on arrival (and logged there).
    ///
    /// - Throws: ``RemoteCallError/nodeDown(_:)`` or ``RemoteCallError/nodeUnreachable(_:reason:)``.
    public func post<Message: WireCodable & Sendable>(_ message: Message, to address: ActorAddress) async throws {
        try await post([message], to: address)
    }

    /// Sends several one-way messages to one actor in one go.
    public func post<Message: WireCodable & Sendable>(_ messages: [Message], to address: ActorAddress) async throws {
        if address.node == identity {
            guard let receiver = state.withLock({ $0.actors[address.path]?.actor }) else { throw RemoteCallError.actorNotFound(address) }
            for message in messages { try await deliver(message.wireBytes(), to: receiver) }
            return
        }
        if isDown(address.node) { throw RemoteCallError.nodeDown(address.node) }
        let connection = try await peer(for: address.node)
        var writer = WireWriter()
        writer.write(address)
        let head = writer.take()
        let frames = messages.map { message -> Frame in
            var payload = WireWriter(capacity: head.count + 32)
            payload.writeRaw(head)
            message.encode(to: &payload)
            return Frame(kind: .oneWay, payload: payload.take())
        }
        do { try await connection.send(frames) } catch {
            throw RemoteCallError.nodeUnreachable(address.node, reason: "\(error)")
        }
    }

    /// Delivers a one-way frame to its local actor, in order (the reader awaits it).
    func deliverOneWay(_ frame: Frame) async {
        var reader = WireReader(frame.payload)
        guard let address = try? reader.read(ActorAddress.self) else {
            log("dropped a malformed one-way message")
            return
        }
        guard address.node == identity, let receiver = state.withLock({ $0.actors[address.path]?.actor }) else {
            log("dropped a one-way message to \(address): no such actor")
            return
        }
        let body = Array(frame.payload[reader.offset...])
        do { try await deliver(body, to: receiver) } catch {
            log("dropped a one-way message to \(address): \(error)")
        }
    }

    private func deliver(_ bytes: [UInt8], to actor: any DistributedActor) async throws {
        guard let receiver = actor as? any OneWayReceiver else {
            throw RemoteCallError.invocationFailed(target: "receive", reason: "\(type(of: actor)) takes no one-way messages")
        }
        try await Self.open(receiver, bytes)
    }

    private static func open<R: OneWayReceiver>(_ receiver: R, _ bytes: [UInt8]) async throws {
        let message: R.Message
        do { message = try R.Message(wireBytes: bytes) } catch {
            throw RemoteCallError.invocationFailed(target: "receive", reason: "\(error)")
        }
        _ = await receiver.whenLocal { await $0.receive(message) }
    }
}

