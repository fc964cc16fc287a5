/// HMAC-SHA256 (RFC 2104), the proof of the cluster secret in the handshake.
///
/// ```swift
/// let tag = HMACSHA256.authenticationCode(for: transcript, key: secret)
/// HMACSHA256.isValid(tag, for: transcript, key: secret)   // true
/// ```
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`:
    /// `H((K ^ opad) || H((K ^ ipad) || message))`.
    ///
    /// Keys longer than 64 bytes are hashed first and shorter keys are padded
    /// with zeros, as RFC 2104 says.
    ///
    /// - Complexity: O(m + k) in the message and key lengths.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        var block = Array(key)
        if block.count > SHA256.blockSize { block = SHA256.hash(block) }
        block.append(contentsOf: repeatElement(0, count: SHA256.blockSize - block.count))

        for i in block.indices { block[i] ^= 0x36 }
        var inner = SHA256()
        inner.update(block)
        inner.update(message)
        let innerDigest = inner.finalize()

        for i in block.indices { block[i] ^= 0x36 ^ 0x5c }
        var outer = SHA256()
        outer.update(block)
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// Whether `code` is the authentication code of `message` under `key`.
    ///
    /// The bytes are compared in constant time (no early exit on the first
    /// difference), so a forged code cannot be found byte by byte by timing the
    /// refusal; a code of the wrong length is simply refused.
    ///
    /// - Complexity: O(m + k) in the message and key lengths.
    public static func isValid(_ code: [UInt8], for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> Bool {
        constantTimeEquals(code, authenticationCode(for: message, key: key))
    }
}
