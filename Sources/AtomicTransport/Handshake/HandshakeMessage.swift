/// The messages of the connection handshake, each carried in a ``FrameKind/handshake`` frame.
///
/// ```
///  client                                   server
///    | -- hello(version, id, nonceC, auth?) --> |   version / secret checks
///    | <-- welcome(version, id, nonceS, proofS) |   proofS = HMAC(k, "server"|...)
///    |  checks proofS                           |
///    | -- proof(proofC) ----------------------> |   proofC = HMAC(k, "client"|...)
///    | <-- accepted --------------------------- |   checks proofC
///    |          frames flow both ways           |
/// ```
/// Either side may send `refused(reason)` instead and close.
enum HandshakeMessage: Equatable, Sendable, WireCodable {
    /// "ATOM" in ASCII, so a stray connection is recognized at once.
    static let magic: UInt32 = 0x4D4F_5441

    case hello(version: UInt16, identity: NodeIdentity, nonce: [UInt8], authenticates: Bool)
    case welcome(version: UInt16, identity: NodeIdentity, nonce: [UInt8], proof: [UInt8])
    case proof([UInt8])
    case accepted
    case refused(code: UInt8, version: UInt16, reason: String)

    func encode(to writer: inout WireWriter) {
        writer.write(HandshakeMessage.magic)
        switch self {
        case let .hello(version, identity, nonce, authenticates):
            writer.write(UInt8(1)); writer.write(version); writer.write(identity); writer.write(nonce); writer.write(authenticates)
        case let .welcome(version, identity, nonce, proof):
            writer.write(UInt8(2)); writer.write(version); writer.write(identity); writer.write(nonce); writer.write(proof)
        case let .proof(proof):
            writer.write(UInt8(3)); writer.write(proof)
        case .accepted:
            writer.write(UInt8(4))
        case let .refused(code, version, reason):
            writer.write(UInt8(5)); writer.write(code); writer.write(version); writer.write(reason)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        let magicAt = reader.offset
        guard try reader.read(UInt32.self) == HandshakeMessage.magic else {
            throw .unknownTag(offset: magicAt, tag: 0, type: "HandshakeMessage magic")
        }
        let at = reader.offset
        switch try reader.read(UInt8.self) {
        case 1: self = .hello(version: try reader.read(), identity: try reader.read(), nonce: try reader.read(), authenticates: try reader.read())
        case 2: self = .welcome(version: try reader.read(), identity: try reader.read(), nonce: try reader.read(), proof: try reader.read())
        case 3: self = .proof(try reader.read())
        case 4: self = .accepted
        case 5: self = .refused(code: try reader.read(), version: try reader.read(), reason: try reader.read())
        case let tag: throw .unknownTag(offset: at, tag: UInt64(tag), type: "HandshakeMessage")
        }
    }

    /// Refusal codes, so the refused side can rebuild a precise ``HandshakeError``.
    enum RefusalCode: UInt8 {
        case version = 1, secretRequired = 2, peerRequiresSecret = 3, authentication = 4, protocolViolation = 5, overloaded = 6

        init(_ error: HandshakeError) {
            switch error {
            case .versionMismatch: self = .version
            case .secretRequired: self = .secretRequired
            case .peerRequiresSecret: self = .peerRequiresSecret
            case .authenticationFailed: self = .authentication
            case .overloaded: self = .overloaded
            default: self = .protocolViolation
            }
        }
    }

    /// The refusal that tells the peer about `error`.
    static func refusal(for error: HandshakeError, version: UInt16) -> HandshakeMessage {
        .refused(code: RefusalCode(error).rawValue, version: version, reason: error.description)
    }

    /// The error the refused side reports for a refusal it received.
    static func error(forRefusal code: UInt8, remoteVersion: UInt16, reason: String, localVersion: UInt16) -> HandshakeError {
        switch RefusalCode(rawValue: code) {
        case .version?: return .versionMismatch(local: localVersion, remote: remoteVersion)
        case .secretRequired?: return .peerRequiresSecret
        case .peerRequiresSecret?: return .secretRequired
        case .authentication?: return .authenticationFailed
        default: return .refusedByPeer(reason: reason)
        }
    }
}
