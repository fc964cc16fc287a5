/// HMAC-SHA256 (RFC 2104), the proof of the cluster secret in the handshake.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    ///
    /// Keys longer than 64 bytes are hashed first, as the RFC says.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        var k = Array(key)
        if k.count > SHA256.blockSize { k = SHA256.hash(k) }
        k.append(contentsOf: repeatElement(0, count: SHA256.blockSize - k.count))
        var inner = SHA256()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(k.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether `code` is the authentication code of `message` under `key`,
    /// compared in constant time.
    public static func isValid(_ code: [UInt8], for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> Bool {
        constantTimeEquals(code, authenticationCode(for: message, key: key))
    }
}
