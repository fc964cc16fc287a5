import XCTest
@testable import AtomicTransport

/// SHA-256 against the FIPS 180-4 / NIST examples and HMAC-SHA-256 against RFC 4231.
final class SHA256Tests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    private func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    private func sha256(_ text: String) -> String { hex(SHA256.hash(Array(text.utf8))) }

    // MARK: - FIPS 180-4 / NIST vectors

    func test_sha256_matches_fips_vector_for_the_empty_message() {
        XCTAssertEqual(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func test_sha256_matches_fips_vector_abc() {
        XCTAssertEqual(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func test_sha256_matches_fips_vector_for_the_448_bit_message() {
        XCTAssertEqual(
            sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func test_sha256_matches_fips_vector_for_the_896_bit_message() {
        XCTAssertEqual(
            sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func test_sha256_matches_fips_vector_for_one_million_a() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        XCTAssertEqual(hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))), expected)
        // The same message through the non-contiguous path.
        XCTAssertEqual(hex(SHA256.hash(repeatElement(UInt8(ascii: "a"), count: 1_000_000))), expected)
    }

    func test_sha256_digest_is_thirty_two_bytes() {
        XCTAssertEqual(SHA256.hash([UInt8]()).count, SHA256.digestSize)
        XCTAssertEqual(SHA256.digestSize, 32)
        XCTAssertEqual(SHA256.blockSize, 64)
    }

    // MARK: - Incremental hashing

    func test_sha256_incremental_updates_split_at_every_offset_equal_the_one_shot_hash() {
        let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let oneShot = SHA256.hash(message)
        for split in 0...message.count {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            XCTAssertEqual(hasher.finalize(), oneShot, "split at \(split)")
        }
    }

    func test_sha256_byte_at_a_time_updates_equal_the_one_shot_hash_across_padding_boundaries() {
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128] {
            let message = [UInt8](repeating: 0x5a, count: length)
            var hasher = SHA256()
            for byte in message { hasher.update(CollectionOfOne(byte)) }
            XCTAssertEqual(hasher.finalize(), SHA256.hash(message), "length \(length)")
        }
    }

    func test_sha256_raw_buffer_update_equals_the_sequence_update() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        var hasher = SHA256()
        message.withUnsafeBytes { hasher.update($0) }
        XCTAssertEqual(hasher.finalize(), SHA256.hash(message))
    }

    // MARK: - RFC 4231 HMAC-SHA-256

    private func assertHMAC(key: [UInt8], data: [UInt8], expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let code = hex(HMACSHA256.authenticationCode(for: data, key: key))
        XCTAssertEqual(String(code.prefix(expected.count)), expected, file: file, line: line)
    }

    func test_hmac_matches_rfc4231_case_1() {
        assertHMAC(key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
                   expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    func test_hmac_matches_rfc4231_case_2_with_a_key_shorter_than_the_output() {
        assertHMAC(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
                   expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func test_hmac_matches_rfc4231_case_3() {
        assertHMAC(key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
                   expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    func test_hmac_matches_rfc4231_case_4() {
        assertHMAC(key: bytes(hex: "0102030405060708090a0b0c0d0e0f10111213141516171819"),
                   data: [UInt8](repeating: 0xcd, count: 50),
                   expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    }

    func test_hmac_matches_rfc4231_case_5_truncated_to_128_bits() {
        assertHMAC(key: [UInt8](repeating: 0x0c, count: 20), data: Array("Test With Truncation".utf8),
                   expected: "a3b6167473100ee06e0c796c2955552b")
    }

    func test_hmac_matches_rfc4231_case_6_with_a_key_larger_than_the_block() {
        assertHMAC(key: [UInt8](repeating: 0xaa, count: 131),
                   data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                   expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func test_hmac_matches_rfc4231_case_7_with_a_large_key_and_large_data() {
        let data = "This is a test using a larger than block-size key and a larger than block-size data. "
            + "The key needs to be hashed before being used by the HMAC algorithm."
        assertHMAC(key: [UInt8](repeating: 0xaa, count: 131), data: Array(data.utf8),
                   expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    // MARK: - Verification

    func test_isValid_accepts_the_correct_code() {
        let key = Array("Jefe".utf8), message = Array("what do ya want for nothing?".utf8)
        let code = HMACSHA256.authenticationCode(for: message, key: key)
        XCTAssertTrue(HMACSHA256.isValid(code, for: message, key: key))
    }

    func test_isValid_rejects_a_code_with_any_single_bit_changed() {
        let key = Array("Jefe".utf8), message = Array("what do ya want for nothing?".utf8)
        let code = HMACSHA256.authenticationCode(for: message, key: key)
        for bit in 0..<(code.count * 8) {
            var forged = code
            forged[bit / 8] ^= 1 << UInt8(bit % 8)
            XCTAssertFalse(HMACSHA256.isValid(forged, for: message, key: key), "bit \(bit)")
        }
    }

    func test_isValid_rejects_a_code_of_the_wrong_length() {
        let key = Array("Jefe".utf8), message = Array("what do ya want for nothing?".utf8)
        let code = HMACSHA256.authenticationCode(for: message, key: key)
        XCTAssertFalse(HMACSHA256.isValid(Array(code.prefix(16)), for: message, key: key))
        XCTAssertFalse(HMACSHA256.isValid(code + [0], for: message, key: key))
        XCTAssertFalse(HMACSHA256.isValid([], for: message, key: key))
    }
}
