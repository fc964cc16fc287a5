extension HMACSHA256 {
    /// Compares two byte arrays in time that depends only on their lengths, so a
    /// forged proof cannot be found byte by byte by timing the refusal.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
