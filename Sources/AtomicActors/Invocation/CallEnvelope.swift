/// A remote call on the wire, in a ``FrameKind/request`` frame.
///
/// ```
/// per argument: length (UInt32, little-endian) and its encoding
/// | recipient node (NodeIdentity) | recipient path (String) | target (String)
/// | generic substitutions ([String]) | argument count (varint)
/// | where the recipient node starts (UInt32, little-endian)
/// ```
///
/// The caller writes the header after the arguments the ``WireInvocationEncoder``
/// already encoded, in the same buffer (``payload(recipient:target:invocation:)``):
/// no second buffer, no copy of the arguments. The callee reads it in place
/// (``init(payload:localNode:names:targets:)``): the arguments stay in the
/// frame's bytes until the target's decoder asks for them, and names it has
/// seen before are not decoded again.
struct CallEnvelope {
    /// The frame's payload, which the argument decoder reads from.
    let payload: [UInt8]
    /// The recipient's node, when it is not the node that read the call.
    let otherNode: NodeIdentity?
    /// The recipient's path and the target, as read from the wire.
    let names: WireNames.Entry
    /// The recipient's path on its node.
    var path: String { names.path }
    /// The target's mangled name.
    var target: String { names.target }
    /// The target's signature when it takes the fast path (``DistributedTargetCache``).
    var resolved: DistributedTargetCache.Target? { genericSubstitutions.isEmpty ? names.resolved : nil }
    /// Mangled names of the generic substitutions (empty for non-generic targets).
    let genericSubstitutions: [String]
    /// How many arguments follow.
    let argumentCount: Int
    /// Where the first argument's length is.
    let argumentsStart = 0
    /// Where the arguments end and the header starts.
    let argumentsEnd: Int

    /// The longest actor path, target name or type name a call may carry, in
    /// UTF-8 bytes: names are kept by the callee (``WireNames``), so a peer
    /// cannot make it keep megabytes per name.
    static let maxNameBytes = 4096
    /// The most generic substitutions a call may carry.
    static let maxGenericSubstitutions = 64

    /// The payload of a call to `target` on `recipient` with the arguments in
    /// `invocation`, written after them in the encoder's own buffer, which it
    /// takes (the encoder is left empty).
    static func payload(recipient: ActorAddress, target: String, invocation: inout WireInvocationEncoder) -> [UInt8] {
        var writer = WireWriter(capacity: 0)
        swap(&writer, &invocation.arguments)
        let headerStart = writer.count
        writer.reserve(64 + recipient.path.utf8.count + target.utf8.count)
        writer.write(recipient.node)
        writer.write(recipient.path)
        writer.write(target)
        writer.write(invocation.genericSubstitutions)
        writer.writeVarint(UInt64(invocation.argumentCount))
        writer.writeFixed(UInt32(headerStart))
        return writer.take()
    }

    /// The payload of a call, from a copy of `invocation` (for tests).
    static func payload(recipient: ActorAddress, target: String, invocation: WireInvocationEncoder) -> [UInt8] {
        var copy = invocation
        return payload(recipient: recipient, target: target, invocation: &copy)
    }

    /// Reads a call's header from `payload`. `localNode` is the reading node's
    /// identity as encoded on the wire: a recipient with the same bytes is this
    /// node, and is not decoded.
    ///
    /// - Throws: ``WireError`` when the header is malformed.
    init(payload: [UInt8], localNode: [UInt8], names: WireNames, targets: DistributedTargetCache) throws(WireError) {
        var recent = RecentCalls(shared: names, targets: targets)
        try self.init(payload: payload, localNode: localNode, recent: &recent)
    }

    /// Reads a call's header as ``init(payload:localNode:names:targets:)`` does,
    /// matching its names against those a reader saw last first.
    init(payload: [UInt8], localNode: [UInt8], recent: inout RecentCalls) throws(WireError) {
        self.payload = payload
        guard payload.count >= 4 else { throw .truncated(offset: 0, needed: 4) }
        var trailer = WireReader(payload, range: payload.count - 4..<payload.count)
        let headerStart = Int(try trailer.readFixed(UInt32.self))
        let headerEnd = payload.count - 4
        guard headerStart <= headerEnd else { throw .lengthPastEnd(offset: headerEnd, length: UInt64(headerStart), remaining: headerEnd) }
        argumentsEnd = headerStart
        var reader = WireReader(payload, range: headerStart..<headerEnd)
        let isLocal = headerEnd - headerStart >= localNode.count && payload.withUnsafeBytes { bytes in
            localNode.withUnsafeBytes { sameBytes(UnsafeRawBufferPointer(rebasing: bytes[headerStart..<headerStart + $0.count]), $0) }
        }
        if isLocal {
            _ = try reader.readRawRange(count: localNode.count)
            otherNode = nil
        } else {
            otherNode = try reader.read(NodeIdentity.self)
        }
        let namesStart = reader.offset
        let pathRange = try reader.readLengthPrefixedRange()
        guard pathRange.count <= Self.maxNameBytes else { throw .valueOutOfRange(offset: namesStart, type: "an actor path") }
        let targetAt = reader.offset
        let targetRange = try reader.readLengthPrefixedRange()
        guard targetRange.count <= Self.maxNameBytes else { throw .valueOutOfRange(offset: targetAt, type: "a target name") }
        names = try recent.entry(at: namesStart..<reader.offset, path: pathRange, target: targetRange, in: payload)
        let substitutionsAt = reader.offset
        let substitutions = try reader.readCount(minimumItemSize: 1)
        guard substitutions <= Self.maxGenericSubstitutions else {
            throw .valueOutOfRange(offset: substitutionsAt, type: "a count of generic substitutions")
        }
        var typeNames: [String] = []
        for _ in 0..<substitutions {
            let at = reader.offset
            let name: String = try reader.read()
            guard name.utf8.count <= Self.maxNameBytes else { throw .valueOutOfRange(offset: at, type: "a type name") }
            typeNames.append(name)
        }
        genericSubstitutions = typeNames
        let countAt = reader.offset
        let count = try reader.readVarint()
        // Each argument takes at least its 4-byte length.
        guard count <= UInt64(headerStart / 4) else { throw .lengthPastEnd(offset: countAt, length: count, remaining: headerStart) }
        argumentCount = Int(count)
        try reader.finish()
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
