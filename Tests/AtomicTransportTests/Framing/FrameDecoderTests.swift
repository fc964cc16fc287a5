import Testing
@testable import AtomicTransport

@Suite struct FrameDecoderTests {
    func sampleFrames() -> [Frame] {
        var rng = SeededRandom(seed: 11)
        return (0..<40).map { i in
            Frame(kind: FrameKind(rawValue: UInt8(i % 7)), flags: UInt16(i), correlationID: rng.next(),
                  payload: rng.bytes([0, 1, 15, 16, 100, 70_000][i % 6]))
        }
    }

    @Test func header_layout_is_length_version_kind_flags_correlation() {
        let bytes = Frame(kind: .reply, flags: 0x0102, correlationID: 0x0A0B, payload: [9, 9]).encoded()
        #expect(bytes.count == 18)
        #expect(Array(bytes[0..<4]) == [14, 0, 0, 0])           // 12 header bytes + 2 payload
        #expect(bytes[4] == Frame.currentVersion)
        #expect(bytes[5] == FrameKind.reply.rawValue)
        #expect(Array(bytes[6..<8]) == [2, 1])
        #expect(Array(bytes[8..<16]) == [0x0B, 0x0A, 0, 0, 0, 0, 0, 0])
    }

    @Test func frames_decode_identically_at_every_split_size() throws {
        let frames = sampleFrames()
        var stream: [UInt8] = []
        for frame in frames { frame.append(to: &stream) }
        for chunk in [1, 2, 3, 7, 16, 17, 1000, 65_536, stream.count] {
            var decoder = FrameDecoder()
            var decoded: [Frame] = []
            var index = 0
            while index < stream.count {
                let end = min(index + chunk, stream.count)
                decoded += try decoder.feed(Array(stream[index..<end]))
                index = end
            }
            #expect(decoded == frames, "chunk \(chunk)")
            #expect(!decoder.isMidFrame)
        }
    }

    @Test func large_payloads_can_be_read_directly_into_place() throws {
        let frame = Frame(kind: .block, payload: (0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        let bytes = frame.encoded()
        var decoder = FrameDecoder()
        #expect(try decoder.feed(Array(bytes[0..<100])).isEmpty)
        var offset = 100
        var result: Frame?
        while decoder.missingPayloadBytes > 0 {
            let (n, done) = decoder.readPayloadDirectly { buffer in
                let take = min(buffer.count, 30_000, bytes.count - offset)
                bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + take)])) }
                offset += take
                return take
            }
            #expect(n > 0)
            result = done ?? result
        }
        #expect(result == frame)
    }

    @Test func oversized_length_is_refused_before_allocating() {
        var decoder = FrameDecoder(maxFrameSize: 1024)
        var head = Frame(payload: []).encoded()
        head.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FrameError.frameTooLarge(length: Int(UInt32.max), limit: 1024)) { _ = try decoder.feed(head) }
    }

    @Test func length_shorter_than_header_is_refused() {
        var decoder = FrameDecoder()
        #expect(throws: FrameError.frameTooShort(length: 3)) {
            _ = try decoder.feed([3, 0, 0, 0] + [UInt8](repeating: 0, count: 12))
        }
    }

    @Test func unknown_version_is_refused() {
        var decoder = FrameDecoder()
        var bytes = Frame().encoded()
        bytes[4] = 99
        #expect(throws: FrameError.unsupportedVersion(99)) { _ = try decoder.feed(bytes) }
    }

    @Test func a_frame_at_exactly_the_limit_is_accepted() throws {
        var decoder = FrameDecoder(maxFrameSize: Frame.headerSize + 100)
        let frame = Frame(payload: [UInt8](repeating: 5, count: 100))
        #expect(try decoder.feed(frame.encoded()) == [frame])
        #expect(throws: FrameError.self) { _ = try decoder.feed(Frame(payload: [UInt8](repeating: 5, count: 101)).encoded()) }
    }
}
