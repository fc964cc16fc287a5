/// A remote call on the wire, in a ``FrameKind/request`` frame.
///
/// ```
/// recipient node (NodeIdentity) | recipient path (String) | target (String)
/// | generic substitutions ([String]) | argument count (varint)
/// | per argument: length (UInt32, little-endian) and its encoding
/// ```
///
/// The caller writes it in one buffer (``payload(recipient:target:invocation:)``)
/// from the arguments the ``WireInvocationEncoder`` already encoded; the callee
/// reads it in place (``init(payload:localNode:names:targets:)``): the arguments stay in
/// the frame's bytes until the target's decoder asks for them, and names it
/// has seen before are not decoded again.
struct CallEnvelope {
    /// The frame's payload, which the argument decoder reads from.
    let payload: [UInt8]
    /// The recipient's node, when it is not the node that read the call.
    let otherNode: NodeIdentity?
    /// The recipient's path on its node.
    let path: String
    /// The target's mangled name.
    let target: String
    /// The target's signature when it takes the fast path (``DistributedTargetCache``).
    let resolved: DistributedTargetCache.Target?
    /// Mangled names of the generic substitutions (empty for non-generic targets).
    let genericSubstitutions: [String]
    /// How many arguments follow.
    let argumentCount: Int
    /// Where the first argument's length is.
    let argumentsStart: Int

    /// The payload of a call to `target` on `recipient` with the arguments in `invocation`.
    static func payload(recipient: ActorAddress, target: String, invocation: WireInvocationEncoder) -> [UInt8] {
        var writer = WireWriter(capacity: 64 + recipient.path.utf8.count + target.utf8.count + invocation.arguments.count)
        writer.write(recipient.node)
        writer.write(recipient.path)
        writer.write(target)
        writer.write(invocation.genericSubstitutions)
        writer.writeVarint(UInt64(invocation.argumentCount))
        invocation.arguments.bytes.withUnsafeBytes { writer.writeRaw($0) }
        return writer.take()
    }

    /// Reads a call's header from `payload`. `localNode` is the reading node's
    /// identity as encoded on the wire: a recipient with the same bytes is this
    /// node, and is not decoded.
    ///
    /// - Throws: ``WireError`` when the header is malformed.
    init(payload: [UInt8], localNode: [UInt8], names: WireNames, targets: DistributedTargetCache) throws(WireError) {
        self.payload = payload
        var reader = WireReader(payload)
        let isLocal = payload.count >= localNode.count && payload.withUnsafeBytes { bytes in
            localNode.withUnsafeBytes { sameBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<$0.count]), $0) }
        }
        if isLocal {
            _ = try reader.readRawRange(count: localNode.count)
            otherNode = nil
        } else {
            otherNode = try reader.read(NodeIdentity.self)
        }
        let namesStart = reader.offset
        let pathRange = try reader.readLengthPrefixedRange()
        let targetRange = try reader.readLengthPrefixedRange()
        let names = try names.entry(at: namesStart..<reader.offset, path: pathRange, target: targetRange, in: payload,
                                    resolve: targets.target)
        path = names.path
        target = names.target
        genericSubstitutions = try reader.read()
        resolved = genericSubstitutions.isEmpty ? names.resolved : nil
        argumentCount = try reader.readCount(minimumItemSize: 4)
        argumentsStart = reader.offset
    }

    /// The recipient, for error replies.
    func recipient(localNode: NodeIdentity) -> ActorAddress {
        ActorAddress(node: otherNode ?? localNode, path: path)
    }
}

/// The answer to a call, in a ``FrameKind/reply`` frame with the call's correlation id.
///
/// A tag byte, then the case's fields. A returned value follows its tag with
/// nothing around it: the callee encodes it straight after the tag, and the
/// caller, which knows its type, decodes it from there.
enum ReplyEnvelope: WireCodable {
    /// A value follows, filling the rest of the payload.
    case value
    case void
    case thrown(typeName: String, message: String)
    case failed(RemoteCallError)

    func encode(to writer: inout WireWriter) {
        switch self {
        case .value: writer.write(UInt8(0))
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

    /// Reads the tag and the case's fields; for ``value`` the reader is left at the value.
    init(from reader: inout WireReader) throws(WireError) {
        let at = reader.offset
        switch try reader.read(UInt8.self) {
        case 0: self = .value
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
