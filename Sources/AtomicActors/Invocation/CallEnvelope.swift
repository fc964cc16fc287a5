/// A remote call on the wire, in a ``FrameKind/request`` frame.
struct CallEnvelope: WireCodable {
    var recipient: ActorAddress
    var target: String
    var genericSubstitutions: [String]
    /// Each argument encoded on its own, so one bad argument cannot shift the rest.
    var arguments: [[UInt8]]

    func encode(to writer: inout WireWriter) {
        writer.write(recipient)
        writer.write(target)
        writer.write(genericSubstitutions)
        writer.write(arguments)
    }

    init(recipient: ActorAddress, target: String, genericSubstitutions: [String], arguments: [[UInt8]]) {
        self.recipient = recipient
        self.target = target
        self.genericSubstitutions = genericSubstitutions
        self.arguments = arguments
    }

    init(from reader: inout WireReader) throws(WireError) {
        recipient = try reader.read()
        target = try reader.read()
        genericSubstitutions = try reader.read()
        arguments = try reader.read()
    }
}

/// The answer to a call, in a ``FrameKind/reply`` frame with the call's correlation id.
enum ReplyEnvelope: WireCodable {
    case value([UInt8])
    case void
    case thrown(typeName: String, message: String)
    case failed(RemoteCallError)

    func encode(to writer: inout WireWriter) {
        switch self {
        case let .value(bytes): writer.write(UInt8(0)); writer.write(bytes)
        case .void: writer.write(UInt8(1))
        case let .thrown(typeName, message): writer.write(UInt8(2)); writer.write(typeName); writer.write(message)
        case let .failed(error):
            writer.write(UInt8(3))
            switch error {
            case let .actorNotFound(address): writer.write(UInt8(0)); writer.write(address)
            case let .invocationFailed(target, reason): writer.write(UInt8(1)); writer.write(target); writer.write(reason)
            default: writer.write(UInt8(2)); writer.write(error.description)
            }
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        let at = reader.offset
        switch try reader.read(UInt8.self) {
        case 0: self = .value(try reader.read())
        case 1: self = .void
        case 2: self = .thrown(typeName: try reader.read(), message: try reader.read())
        case 3:
            let codeAt = reader.offset
            switch try reader.read(UInt8.self) {
            case 0: self = .failed(.actorNotFound(try reader.read()))
            case 1: self = .failed(.invocationFailed(target: try reader.read(), reason: try reader.read()))
            case 2: self = .failed(.malformedReply(try reader.read()))
            case let tag: throw .unknownTag(offset: codeAt, tag: UInt64(tag), type: "RemoteCallError")
            }
        case let tag: throw .unknownTag(offset: at, tag: UInt64(tag), type: "ReplyEnvelope")
        }
    }
}
