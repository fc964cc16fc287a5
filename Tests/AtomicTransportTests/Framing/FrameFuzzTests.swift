import Foundation
import Testing
@testable import AtomicTransport

/// Random and mutated frames and handshakes, fed to the decoder and to a live
/// listener: no crash, no hang, bounded memory, and the listener still serves a
/// well-formed connection afterwards.
@Suite struct FrameFuzzTests {
    /// A valid stream to mutate: handshake frames and data frames.
    static func seedStream(_ rng: inout SeededRandom) -> [UInt8] {
        let identity = NodeIdentity(endpoint: Endpoint(host: "127.0.0.1", port: 1), incarnation: 5)
        let hello = HandshakeMessage.hello(version: 1, identity: identity, nonce: rng.bytes(32), authenticates: true)
        var stream = Frame(kind: .handshake, payload: hello.wireBytes()).encoded()
        Frame(kind: .handshake, payload: HandshakeMessage.proof(rng.bytes(32)).wireBytes()).append(to: &stream)
        Frame(kind: .data, correlationID: rng.next(), payload: rng.bytes(Int.random(in: 0...64, using: &rng))).append(to: &stream)
        return stream
    }

    /// Flips, inserts, deletes and overwrites bytes, including length prefixes.
    static func mutate(_ bytes: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !out.isEmpty else { out = rng.bytes(8); continue }
            let at = Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: out[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1: out.insert(contentsOf: rng.bytes(Int.random(in: 1...8, using: &rng)), at: at)
            case 2: out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...8, using: &rng)))
            case 3: out[at] = [0, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
            default:
                // A hostile length prefix on the first frame.
                if out.count >= 4 { out.replaceSubrange(0..<4, with: rng.bytes(4)) }
            }
        }
        return out
    }

    static func fuzzCase(_ index: Int, _ rng: inout SeededRandom) -> [UInt8] {
        index % 3 == 0 ? rng.bytes(Int.random(in: 0...96, using: &rng)) : mutate(seedStream(&rng), &rng)
    }

    @Test func a_hundred_thousand_random_and_mutated_inputs_never_trap_the_decoders() async throws {
        // Seconds of CPU in a debug build: run on a thread of its own, not on the
        // cooperative pool that the other tests' connections need.
        let (frames, refused, messages) = try await Thread.detachNewThreadWithResult { FrameFuzzTests.fuzzDecoders() }.value()
        #expect(frames + refused > 50_000)
        #expect(refused > 10_000, "hostile prefixes should be refused")
        #expect(messages > 1_000, "mild mutations should still decode")
    }

    static func fuzzDecoders() -> (frames: Int, refused: Int, messages: Int) {
        var rng = SeededRandom(seed: 0xF022)
        var frames = 0, refused = 0, messages = 0
        for index in 0..<100_000 {
            let input = Self.fuzzCase(index, &rng)
            var decoder = FrameDecoder(maxFrameSize: 64 << 10)
            do {
                for frame in try decoder.feed(input) {
                    frames += 1
                    if (try? HandshakeMessage(wireBytes: frame.payload)) != nil { messages += 1 }
                }
            } catch {
                refused += 1
            }
            // Mutated payloads straight into the handshake decoder too.
            _ = try? HandshakeMessage(wireBytes: input)
        }
        return (frames, refused, messages)
    }

    @Test func a_live_listener_survives_a_hundred_thousand_hostile_frames() async throws {
        var configuration = TransportConfiguration(secret: testSecret())
        // Short enough that hostile half-handshakes are dropped soon, long enough
        // for the good handshake at the end on a loaded 2-core machine.
        configuration.handshakeTimeout = .seconds(6)
        try await withTCPPair(server: configuration, client: configuration) { server, listener, client in
            var rejections = listener.rejections.makeAsyncIterator()
            let echo = startEchoing(listener)
            let connections = 200
            let perConnection = 500
            let endpoint = listener.endpoint
            // Blocking sockets on threads: each connection gets 500 hostile inputs
            // written back to back, then is closed (half of them abruptly).
            let workers = (0..<4).map { worker in
                Thread.detachNewThreadWithResult { () -> (connected: Int, inputs: Int) in
                    var rng = SeededRandom(seed: UInt64(1000 + worker))
                    var connected = 0, inputs = 0
                    for c in stride(from: worker, to: connections, by: 4) {
                        guard let socket = try? BlockingSocket.connect(to: endpoint) else { continue }
                        connected += 1
                        var burst: [UInt8] = []
                        for i in 0..<perConnection {
                            burst += FrameFuzzTests.fuzzCase(c * perConnection + i, &rng)
                        }
                        // The peer may close on the first bad frame; a failed write is expected.
                        try? socket.write(burst)
                        inputs += perConnection
                        if c % 2 == 0 { socket.closeAbruptly() } else { socket.close() }
                    }
                    return (connected, inputs)
                }
            }
            var connected = 0, inputs = 0
            for worker in workers {
                let result = try await worker.value()
                connected += result.connected
                inputs += result.inputs
            }
            #expect(inputs == connections * perConnection)
            #expect(connected == connections)
            // Every hostile connection is refused exactly once, with a reason.
            for _ in 0..<connected {
                let rejection = await rejections.next()
                #expect(rejection != nil)
            }
            // Nothing is kept: only the listener remains open (bounded memory:
            // before the handshake no frame over 16 KiB is even allocated).
            await server.barrier()
            #expect(server.openResourceCount == 1, "server still holds \(server.openResourceCount) resources")
            // A well-formed, authenticated connection still works.
            let good = try await client.connect(to: endpoint)
            try await good.send(Frame(kind: .request, correlationID: 4242, payload: [1, 2, 3]))
            var iterator = good.inbound.makeAsyncIterator()
            let reply = try await iterator.next()
            #expect(reply?.correlationID == 4242 && reply?.payload == [1, 2, 3])
            await good.close()
            listener.close()
            echo.cancel()
            _ = server
        }
    }
}
