/// SHA-256 (FIPS 180-4), written in the module so the transport needs no
/// cryptography dependency; used for the cluster handshake's HMAC.
///
/// Whole 64-byte blocks are compressed straight from the caller's memory; only
/// a trailing partial block is copied into the hasher.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(Array("abc".utf8))
/// let digest = hasher.finalize()   // 32 bytes
/// ```
public struct SHA256: Sendable {
    /// Bytes in a digest.
    public static let digestSize = 32
    /// Bytes in a block, the unit the compression function consumes.
    public static let blockSize = 64

    private typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// The chaining value H(i).
    private var state: Words = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// A partial block waiting for more input; its first `pendingCount` bytes are meaningful.
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    /// Total message bytes seen so far.
    private var length: UInt64 = 0

    /// A hasher with nothing hashed yet.
    public init() {}

    /// Hashes more bytes; contiguous collections (arrays, slices, buffers) are read in place.
    ///
    /// - Complexity: O(n) in the number of bytes.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        // Not contiguous: stage through a small stack buffer rather than copying everything.
        withUnsafeTemporaryAllocation(byteCount: 16 * SHA256.blockSize, alignment: 8) { chunk in
            var filled = 0
            for byte in bytes {
                chunk[filled] = byte
                filled += 1
                if filled == chunk.count { update(UnsafeRawBufferPointer(chunk)); filled = 0 }
            }
            update(UnsafeRawBufferPointer(rebasing: chunk[..<filled]))
        }
    }

    /// Hashes more bytes read from raw memory.
    ///
    /// - Complexity: O(n) in `buffer.count`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var source = buffer.baseAddress, !buffer.isEmpty else { return }
        var remaining = buffer.count
        length &+= UInt64(remaining)
        if pendingCount > 0 {
            let take = min(SHA256.blockSize - pendingCount, remaining)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { ($0.baseAddress! + offset).copyMemory(from: source, byteCount: take) }
            pendingCount += take
            source += take
            remaining -= take
            guard pendingCount == SHA256.blockSize else { return }
            let block = pending
            withUnsafeBytes(of: block) { SHA256.compress(&state, blocks: $0.baseAddress!, count: 1) }
            pendingCount = 0
        }
        let whole = remaining / SHA256.blockSize
        if whole > 0 {
            SHA256.compress(&state, blocks: source, count: whole)
            source += whole * SHA256.blockSize
            remaining -= whole * SHA256.blockSize
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: source, byteCount: remaining) }
            pendingCount = remaining
        }
    }

    /// Pads the message, finishes hashing and returns the 32-byte digest.
    ///
    /// - Complexity: O(1); at most two more blocks are compressed.
    public consuming func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var block = pending
        let used = pendingCount
        withUnsafeMutableBytes(of: &block) { bytes in
            bytes[used] = 0x80
            if used + 1 > SHA256.blockSize - 8 {
                for i in (used + 1)..<SHA256.blockSize { bytes[i] = 0 }
                SHA256.compress(&state, blocks: UnsafeRawPointer(bytes.baseAddress!), count: 1)
                for i in 0..<(SHA256.blockSize - 8) { bytes[i] = 0 }
            } else {
                for i in (used + 1)..<(SHA256.blockSize - 8) { bytes[i] = 0 }
            }
            bytes.storeBytes(of: bitLength.bigEndian, toByteOffset: SHA256.blockSize - 8, as: UInt64.self)
            SHA256.compress(&state, blocks: UnsafeRawPointer(bytes.baseAddress!), count: 1)
        }
        let h = state
        let digest: Words = (h.0.bigEndian, h.1.bigEndian, h.2.bigEndian, h.3.bigEndian,
                             h.4.bigEndian, h.5.bigEndian, h.6.bigEndian, h.7.bigEndian)
        return withUnsafeBytes(of: digest) { Array($0) }
    }

    /// The digest of `bytes` in one call.
    ///
    /// - Complexity: O(n) in the number of bytes.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

extension SHA256 {
    /// The round constants K: the first 32 bits of the fractional parts of the
    /// cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// One round: adds T1 into `d` and makes `h` the new `a`, so the caller rotates
    /// the names instead of moving eight values. Ch and Maj are written in their
    /// equivalent forms `g ^ (e & (f ^ g))` and `(a & b) | (c & (a | b))`.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d &+= t1
        h = t1 &+ t2
    }

    /// Runs the compression function over `count` consecutive 64-byte blocks at `blocks`.
    private static func compress(_ state: inout Words, blocks: UnsafeRawPointer, count: Int) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                var block = blocks
                for _ in 0..<count {
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
                    }
                    for i in 16..<64 {
                        let x = w[i &- 15], y = w[i &- 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                        w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
                    var i = 0
                    while i < 64 {
                        round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                        round(h, a, b, &c, d, e, f, &g, k[i &+ 1] &+ w[i &+ 1])
                        round(g, h, a, &b, c, d, e, &f, k[i &+ 2] &+ w[i &+ 2])
                        round(f, g, h, &a, b, c, d, &e, k[i &+ 3] &+ w[i &+ 3])
                        round(e, f, g, &h, a, b, c, &d, k[i &+ 4] &+ w[i &+ 4])
                        round(d, e, f, &g, h, a, b, &c, k[i &+ 5] &+ w[i &+ 5])
                        round(c, d, e, &f, g, h, a, &b, k[i &+ 6] &+ w[i &+ 6])
                        round(b, c, d, &e, f, g, h, &a, k[i &+ 7] &+ w[i &+ 7])
                        i &+= 8
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                    h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                    block += SHA256.blockSize
                }
            }
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
    }
}
