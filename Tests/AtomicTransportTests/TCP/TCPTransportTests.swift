import Foundation
import Testing
import Synchronization
@testable import AtomicTransport

@Suite struct TCPTransportTests {
    @Test func frames_round_trip_over_an_authenticated_loopback_connection() async throws {
        let configuration = TransportConfiguration(secret: testSecret())
        try await withTCPPair(server: configuration, client: configuration) { server, listener, client in
            let echo = startEchoing(listener)
            let connection = try await client.connect(to: listener.endpoint)
            #expect(connection.remote.endpoint == listener.endpoint)
            #expect(connection.remote.incarnation == server.identity.incarnation)
            try await connection.send((0..<100).map { Frame(kind: .request, correlationID: UInt64($0), payload: [UInt8(truncatingIfNeeded: $0)]) })
            var seen: [UInt64] = []
            for try await frame in connection.inbound {
                #expect(frame.kind == .reply)
                #expect(frame.payload == [UInt8(truncatingIfNeeded: frame.correlationID)])
                seen.append(frame.correlationID)
                if seen.count == 100 { break }
            }
            #expect(seen == (0..<100).map(UInt64.init))
            await connection.close()
            listener.close()
            echo.cancel()
        }
    }

    @Test func small_frames_queued_together_leave_in_few_system_calls() async throws {
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            let connection = try await client.connect(to: listener.endpoint)
            let link = try #require(connection.link as? TCPLink)
            let before = link.writeCalls.load(ordering: .relaxed)
            try await connection.send((0..<1000).map { Frame(correlationID: UInt64($0), payload: [UInt8](repeating: 7, count: 16)) })
            var received = 0
            for try await _ in connection.inbound {
                received += 1
                if received == 1000 { break }
            }
            // 1,000 frames of 32 bytes: one coalesced buffer, not one call per frame.
            let calls = link.writeCalls.load(ordering: .relaxed) - before
            #expect(calls >= 1 && calls <= 4, "\(calls) sendmsg calls for 1,000 frames")
            await connection.close()
            listener.close()
            echo.cancel()
        }
    }

    @Test func a_flusher_of_small_frames_yields_again_only_while_senders_keep_coming() {
        // A yield that brought frames: another one, until bulk's worth is queued.
        #expect(TCPLink.keepsGathering(queuedBefore: 48, queuedAfter: 96))
        #expect(!TCPLink.keepsGathering(queuedBefore: 48, queuedAfter: TCPLink.inlineFlushThreshold))
        // A yield that brought nothing: the frames leave now.
        #expect(!TCPLink.keepsGathering(queuedBefore: 48, queuedAfter: 48))
    }

    @Test func small_frames_of_concurrent_senders_all_arrive() async throws {
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            let connection = try await client.connect(to: listener.endpoint)
            // 64 senders of one frame each, at once: whichever becomes the
            // flusher yields while the others queue theirs; every frame arrives once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask { try await connection.send(Frame(kind: .request, correlationID: UInt64(index), payload: [UInt8(index)])) }
                }
                try await group.waitForAll()
            }
            var seen = Set<UInt64>()
            for try await frame in connection.inbound {
                #expect(frame.payload == [UInt8(frame.correlationID)])
                seen.insert(frame.correlationID)
                if seen.count == 64 { break }
            }
            #expect(seen == Set(0..<64))
            await connection.close()
            listener.close()
            echo.cancel()
        }
    }

    @Test func a_hundred_concurrent_connections_each_get_their_own_replies() async throws {
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let connection = try await client.connect(to: listener.endpoint)
                        let frames = (0..<20).map { Frame(kind: .request, correlationID: UInt64(index * 1000 + $0), payload: [UInt8(index)]) }
                        try await connection.send(frames)
                        var received: [UInt64] = []
                        for try await frame in connection.inbound {
                            #expect(frame.payload == [UInt8(index)])
                            received.append(frame.correlationID)
                            if received.count == frames.count { break }
                        }
                        #expect(received == frames.map(\.correlationID))
                        await connection.close()
                    }
                }
                try await group.waitForAll()
            }
            listener.close()
            echo.cancel()
        }
    }

    @Test func empty_and_32_MiB_frames_arrive_intact() async throws {
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            let connection = try await client.connect(to: listener.endpoint)
            var rng = SeededRandom(seed: 32)
            let big = rng.bytes(1 << 16)
            var payload = [UInt8]()
            payload.reserveCapacity(32 << 20)
            for _ in 0..<512 { payload += big }
            try await connection.send(Frame(kind: .request, correlationID: 1, payload: []))
            try await connection.send(Frame(kind: .block, correlationID: 2, payload: payload))
            try await connection.send(Frame(kind: .request, correlationID: 3, payload: []))
            var iterator = connection.inbound.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.correlationID == 1 && first?.payload.isEmpty == true)
            let second = try await iterator.next()
            #expect(second?.correlationID == 2)
            #expect(second?.payload.count == 32 << 20)
            #expect(second?.payload == payload)
            let third = try await iterator.next()
            #expect(third?.correlationID == 3 && third?.payload.isEmpty == true)
            await connection.close()
            listener.close()
            echo.cancel()
        }
    }

    @Test func a_tail_sent_from_its_own_memory_arrives_as_the_rest_of_the_payload() async throws {
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            let connection = try await client.connect(to: listener.endpoint)
            // 8 MiB of pairs: more than the socket takes at once, so the write resumes inside the tail.
            let pairs = (0..<(1 << 19)).map { (Int64($0), Int64(-$0)) }
            var expected: [UInt8] = [9, 8, 7]
            for pair in pairs {
                withUnsafeBytes(of: pair.0.littleEndian) { expected.append(contentsOf: $0) }
                withUnsafeBytes(of: pair.1.littleEndian) { expected.append(contentsOf: $0) }
            }
            try await connection.send(Frame(kind: .block, correlationID: 1, payload: [9, 8, 7]), tail: FrameTail(memoryOf: pairs))
            try await connection.send(Frame(kind: .block, correlationID: 2, payload: []), tail: FrameTail(memoryOf: [UInt8]()))
            try await connection.send(Frame(kind: .request, correlationID: 3, payload: [5]))
            var iterator = connection.inbound.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.correlationID == 1)
            #expect(first?.payload == expected)
            let second = try await iterator.next()
            #expect(second?.correlationID == 2 && second?.payload.isEmpty == true)
            let third = try await iterator.next()
            #expect(third?.correlationID == 3 && third?.payload == [5])
            await connection.close()
            listener.close()
            echo.cancel()
        }
    }

    @Test func a_tail_of_more_buffers_than_one_write_takes_arrives_whole_and_in_order() async throws {
        let path = NSTemporaryDirectory() + "tail-parts-\(UInt64.random(in: 0...UInt64.max)).bin"
        let content: [UInt8] = (0..<(24 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            let connection = try await client.connect(to: listener.endpoint)
            // 3,000 ranges of a mapped file (more than one sendmsg gathers) and
            // about 12 MB in all (more than the socket takes at once), between owned bytes.
            let file = try MappedFile(path: path, range: 3..<content.count)
            let ranges = (0..<3_000).map { 3 + $0 * 8_000..<3 + $0 * 8_000 + 1 + $0 &* 7_919 % 7_999 }
            let tail = FrameTail([FrameTail(bytes: [1, 2]), FrameTail(mappedFile: file, ranges: ranges), FrameTail(bytes: [3])])
            var expected: [UInt8] = [9, 1, 2]
            for range in ranges { expected += content[range] }
            expected.append(3)
            try await connection.send(Frame(kind: .block, correlationID: 4, payload: [9]), tail: tail)
            try await connection.send(Frame(kind: .request, correlationID: 5, payload: [6]))
            var iterator = connection.inbound.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.correlationID == 4)
            #expect(first?.payload.count == expected.count)
            #expect(first?.payload == expected)
            let second = try await iterator.next()
            #expect(second?.correlationID == 5 && second?.payload == [6])
            await connection.close()
            listener.close()
            echo.cancel()
        }
    }

    @Test func a_peer_that_dies_mid_frame_is_reported_as_such() async throws {
        try await withTCPPair { _, listener, client in
            let peer = RawServerPeer(listener: try BlockingSocket.listen())
            let script = peer.run { socket in
                var partial = Frame(kind: .data, correlationID: 9, payload: [UInt8](repeating: 1, count: 1000)).encoded()
                partial.removeLast(600)
                try socket.write(Frame(kind: .data, correlationID: 8, payload: [1, 2]).encoded() + partial)
                socket.closeAbruptly()
            }
            let connection = try await client.connect(to: peer.endpoint)
            var iterator = connection.inbound.makeAsyncIterator()
            let whole = try await iterator.next()
            #expect(whole?.correlationID == 8)
            await #expect(throws: TransportError.peerDiedMidFrame(missingBytes: 600)) { _ = try await iterator.next() }
            await #expect(throws: TransportError.self) { try await connection.send(Frame()) }
            try await script.value()
            listener.close()
        }
    }

    @Test func a_peer_killed_between_frames_is_a_lost_connection_not_a_clean_close() async throws {
        try await withTCPPair { _, listener, client in
            let peer = RawServerPeer(listener: try BlockingSocket.listen())
            let script = peer.run { socket in socket.close() }   // FIN without goodbye, as a killed process's kernel sends
            let connection = try await client.connect(to: peer.endpoint)
            await #expect(throws: TransportError.connectionLost(detail: "peer closed without goodbye")) {
                for try await _ in connection.inbound {}
            }
            try await script.value()
            listener.close()
        }
    }

    @Test func a_graceful_close_ends_the_peers_inbound_and_later_sends_fail() async throws {
        try await withTCPPair { _, listener, client in
            let (connection, serverSide) = try await connectedPair(client, listener)
            try await connection.send(Frame(correlationID: 5))
            await connection.close()
            var received: [UInt64] = []
            for try await frame in serverSide.inbound { received.append(frame.correlationID) }
            #expect(received == [5])
            await #expect(throws: TransportError.closedByPeer) { try await serverSide.send(Frame()) }
            await #expect(throws: TransportError.closedLocally) { try await connection.send(Frame()) }
            listener.close()
        }
    }

    @Test func shutdown_waits_for_a_link_whose_flusher_is_suspended() async throws {
        try await withTCPPair { server, listener, client in
            let (connection, serverSide) = try await connectedPair(client, listener)
            // A small frame's sender becomes the flusher and yields before writing;
            // the held executor keeps it there.
            let held = HeldTaskExecutor()
            let sender = Task(executorPreference: held) { try await connection.send(Frame(correlationID: 9)) }
            held.runHeldJobs()
            #expect(held.heldCount == 1, "the sender is suspended in its yield")
            let finished = Sendable_Counter()
            let shutdown = Task {
                await client.shutdown()
                finished.increment()
            }
            // The link is torn down (its inbound ends) but stays open while its flusher is held.
            await #expect(throws: TransportError.closedLocally) { for try await _ in connection.inbound {} }
            // Time for a shutdown that would not wait to finish (the server's loop,
            // since the client's may stop meanwhile).
            for _ in 0..<2000 { await server.barrier(); await Task.yield() }
            #expect(client.openResourceCount == 1)
            #expect(finished.value == 0, "shutdown waits for the held flusher")
            while held.heldCount > 0 { held.runHeldJobs() }
            await shutdown.value
            try #require(client.openResourceCount == 0)
            try await sender.value
            // Closed abortively: the peer sees a lost connection, not the frame.
            await #expect(throws: TransportError.self) { for try await _ in serverSide.inbound {} }
            listener.close()
        }
    }

    @Test func a_link_torn_down_from_two_threads_at_once_still_closes() async throws {
        try await withTCPPair { _, listener, client in
            let echo = startEchoing(listener)
            for _ in 0..<1000 {
                let connection = try await client.connect(to: listener.endpoint)
                // Two teardowns race (as a peer's goodbye and a local shutdown may);
                // whichever wins, the descriptor must close.
                DispatchQueue.concurrentPerform(iterations: 3) { _ in connection.abort() }
            }
            await client.shutdown()
            #expect(client.openResourceCount == 0)
            listener.close()
            await echo.value
        }
    }

    @Test func a_link_closed_before_it_is_remembered_is_not_counted_open() async throws {
        let transport = try TCPTransport()
        var ends: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &ends) == 0)
        let closed = Sendable_Counter()
        let link = try TCPLink(fd: ends[0], loop: transport.loop, configuration: TransportConfiguration(), label: "test",
                               onClosed: { [weak transport] in transport?.forget($0); closed.increment() })
        // The peer goes away at once: the loop tears the link down and closes it
        // before whoever made it gets to remember it.
        close(ends[1])
        while closed.value == 0 { await transport.barrier() }
        transport.remember(link)
        #expect(transport.openResourceCount == 0)
        await transport.shutdown()
    }

    @Test func a_wrong_secret_is_refused_on_both_sides() async throws {
        try await withTCPPair(server: TransportConfiguration(secret: testSecret("server secret 0123456789")),
                              client: TransportConfiguration(secret: testSecret("client secret 0123456789"))) { _, listener, client in
            await #expect(throws: TransportError.handshake(.authenticationFailed)) {
                _ = try await client.connect(to: listener.endpoint)
            }
            #expect(await firstRejection(listener) == .handshake(.authenticationFailed))
            listener.close()
        }
    }

    @Test func a_missing_secret_is_refused_on_both_sides() async throws {
        try await withTCPPair(server: TransportConfiguration(secret: testSecret())) { _, listener, client in
            await #expect(throws: TransportError.handshake(.peerRequiresSecret)) {
                _ = try await client.connect(to: listener.endpoint)
            }
            #expect(await firstRejection(listener) == .handshake(.secretRequired))
            listener.close()
        }
    }

    @Test func a_protocol_version_mismatch_is_refused_on_both_sides() async throws {
        var old = TransportConfiguration()
        old.protocolVersion = 99
        try await withTCPPair(client: old) { _, listener, client in
            await #expect(throws: TransportError.handshake(.versionMismatch(local: 99, remote: 1))) {
                _ = try await client.connect(to: listener.endpoint)
            }
            #expect(await firstRejection(listener) == .handshake(.versionMismatch(local: 1, remote: 99)))
            listener.close()
        }
    }

    @Test func a_frame_over_the_limit_closes_only_its_connection() async throws {
        var small = TransportConfiguration()
        small.maxFrameSize = 1 << 20
        try await withTCPPair(server: small) { _, listener, client in
            var accepted = listener.connections.makeAsyncIterator()
            let offender = try await client.connect(to: listener.endpoint)
            let offenderSide = try #require(await accepted.next())
            let bystander = try await client.connect(to: listener.endpoint)
            let bystanderSide = try #require(await accepted.next())
            try await offender.send(Frame(payload: [UInt8](repeating: 0, count: 2 << 20)))
            await #expect(throws: TransportError.framing(.frameTooLarge(length: (2 << 20) + Frame.headerSize, limit: 1 << 20))) {
                for try await _ in offenderSide.inbound {}
            }
            try await bystander.send(Frame(correlationID: 77, payload: [1]))
            var iterator = bystanderSide.inbound.makeAsyncIterator()
            #expect(try await iterator.next()?.correlationID == 77)
            await bystander.close()
            listener.close()
        }
    }

    @Test func a_slow_reader_makes_the_sender_wait_instead_of_growing_memory() async throws {
        var configuration = TransportConfiguration()
        configuration.outboundHighWater = 1 << 20
        configuration.outboundLowWater = 256 << 10
        configuration.inboundHighWater = 1 << 20
        try await withTCPPair(server: configuration, client: configuration) { _, listener, client in
            let (connection, serverSide) = try await connectedPair(client, listener)
            let frameSize = 256 << 10
            let total = 400   // 100 MiB in all
            let sent = Sendable_Counter()
            let sender = Task {
                for index in 0..<total {
                    try await connection.send(Frame(correlationID: UInt64(index), payload: [UInt8](repeating: UInt8(index % 251), count: frameSize)))
                    sent.increment()
                }
            }
            // Nobody reads yet: the sender must end up suspended, long before 100 MiB.
            let link = try #require(connection.link as? TCPLink)
            await link.senderSuspended()
            let sentWhenSuspended = sent.value
            #expect(sentWhenSuspended < total / 4, "the sender ran \(sentWhenSuspended) frames ahead of a reader that reads nothing")
            #expect(link.queuedOutboundBytes <= configuration.outboundHighWater + frameSize)
            #expect(serverSide.link.inbox.queuedBytes <= configuration.inboundHighWater + TCPLink.readBudget)
            // Now read everything: order and content intact, and the sender finishes.
            var next: UInt64 = 0
            for try await frame in serverSide.inbound {
                #expect(frame.correlationID == next)
                #expect(frame.payload.count == frameSize && frame.payload.first == UInt8(next % 251))
                next += 1
                if next == UInt64(total) { break }
            }
            try await sender.value
            #expect(sent.value == total)
            await connection.close()
            listener.close()
        }
    }

    @Test func before_the_handshake_a_large_frame_is_refused_without_allocating_it() async throws {
        try await withTCPPair { server, listener, _ in
            let socket = try BlockingSocket.connect(to: listener.endpoint)
            // A header announcing 1 MiB, and no more: the listener must refuse on the header alone.
            var head = Frame(kind: .handshake, payload: []).encoded()
            head.replaceSubrange(0..<4, with: withUnsafeBytes(of: UInt32(Frame.headerSize + (1 << 20)).littleEndian, Array.init))
            try socket.write(head)
            #expect(await firstRejection(listener) == .framing(.frameTooLarge(length: Frame.headerSize + (1 << 20),
                                                                              limit: HandshakeDriver.maxHandshakeFrameSize)))
            socket.close()
            listener.close()
            _ = server
        }
    }

    @Test func connecting_to_a_closed_port_retries_then_fails_with_a_typed_error() async throws {
        var configuration = TransportConfiguration()
        configuration.connectAttempts = 3
        configuration.initialBackoff = .milliseconds(5)
        let (socket, port) = try BlockingSocket.listen()
        socket.close()   // the port is now free and refuses connections
        try await withTCPPair(client: configuration) { _, listener, client in
            let target = Endpoint(host: "127.0.0.1", port: port)
            do {
                _ = try await client.connect(to: target)
                Issue.record("connected to a closed port")
            } catch let TransportError.connectFailed(endpoint, attempts, last) {
                #expect(endpoint == target)
                #expect(attempts == 3)
                #expect(last.function == "connect")
            }
            listener.close()
        }
    }

    @Test func a_connect_that_gets_no_answer_times_out_on_every_attempt() async throws {
        // A listener that never accepts, with its queue full: further handshakes
        // get no answer from the kernel, like a host that is down.
        let (silent, port) = try BlockingSocket.listen(backlog: 0)
        let target = Endpoint(host: "127.0.0.1", port: port)
        var fillers: [BlockingSocket] = []
        var configuration = TransportConfiguration()
        configuration.connectTimeout = .milliseconds(200)
        configuration.connectAttempts = 2
        configuration.initialBackoff = .milliseconds(10)
        try await withTCPPair(client: configuration) { _, listener, client in
            // Fill the accept queue: with a backlog of 0 it holds one connection.
            fillers.append(try BlockingSocket.connect(to: target))
            let start = ContinuousClock.now
            await #expect(throws: TransportError.connectTimedOut(target, attempts: 2)) {
                _ = try await client.connect(to: target)
            }
            #expect(ContinuousClock.now - start >= .milliseconds(400))
            listener.close()
        }
        for socket in fillers { socket.close() }
        silent.close()
    }

    @Test func an_unresolvable_host_is_a_typed_error() async throws {
        try await withTCPPair { _, listener, client in
            await #expect(throws: TransportError.unresolvableHost("no-such-host.invalid")) {
                _ = try await client.connect(to: Endpoint(host: "no-such-host.invalid", port: 1))
            }
            listener.close()
        }
    }

    @Test func cluster_secrets_load_from_files_and_refuse_bad_ones() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-secret-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good").path
        try "0123456789abcdef0123\n".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try ClusterSecret(contentsOfFile: good) == ClusterSecret(bytes: Array("0123456789abcdef0123".utf8)))
        let short = directory.appendingPathComponent("short").path
        try "tiny\n".write(toFile: short, atomically: true, encoding: .utf8)
        #expect(throws: ClusterSecret.LoadError.tooShort(path: short, length: 4)) { try ClusterSecret(contentsOfFile: short) }
        let missing = directory.appendingPathComponent("missing").path
        #expect(throws: ClusterSecret.LoadError.self) { try ClusterSecret(contentsOfFile: missing) }
    }
}

/// A counter shared between tasks.
final class Sendable_Counter: Sendable {
    private let count = Atomic(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
