import Synchronization
import Testing
@testable import AtomicRDD
import AtomicTransport

@Suite struct BlockServerTests {
    /// A block server on one transport and a connection to it from another;
    /// both transports are shut down at the end.
    private func withServer(maxFrameSize: Int = 1 << 20, timeout: Duration = .seconds(30),
                            serve: @escaping @Sendable (BlockRequest) async throws -> EncodedBucket,
                            _ body: (BlockServer, BlockConnection, TCPTransport) async throws -> Void) async throws {
        let serverSide = try TCPTransport()
        let clientSide = try TCPTransport()
        do {
            let server = try await BlockServer(transport: serverSide, host: "127.0.0.1", maxFrameSize: maxFrameSize, serve: serve)
            let connection = BlockConnection(try await clientSide.connect(to: server.endpoint), node: "server")
            try await body(server, connection, serverSide)
        } catch {
            await serverSide.shutdown()
            await clientSide.shutdown()
            throw error
        }
        await serverSide.shutdown()
        await clientSide.shutdown()
    }

    /// The reason `connection` gives for refusing `request`; records an issue
    /// and returns nil when the fetch fails otherwise or succeeds.
    private func refusalReason(_ request: BlockRequest, on connection: BlockConnection) async -> String? {
        let error = await #expect(throws: BlockFetchError.self) {
            _ = try await connection.fetch(request, timeout: .seconds(30))
        }
        guard case let .refused(_, reason)? = error else {
            Issue.record("expected a refusal, got \(String(describing: error))")
            return nil
        }
        return reason
    }

    private static func bucket(_ request: BlockRequest) -> [UInt8] {
        // Large enough to leave the sender as a frame of its own.
        [UInt8](repeating: UInt8(request.mapIndex), count: 100_000 + request.mapIndex)
    }

    /// Odd maps' buckets end with a tail sent from an array of pairs.
    private static func encoded(_ request: BlockRequest) -> EncodedBucket {
        guard request.mapIndex % 2 == 1 else { return EncodedBucket(bytes: bucket(request)) }
        return EncodedBucket(bytes: [1, 2, 3], tail: FrameTail(memoryOf: pairs(request)))
    }

    private static func pairs(_ request: BlockRequest) -> [(Int, Int)] {
        (0..<(20_000 + request.mapIndex)).map { ($0, request.mapIndex &* $0) }
    }

    @Test func requestsInFlightTogetherEachGetTheirOwnBucket() async throws {
        try await withServer(serve: { Self.encoded($0) }) { server, connection, _ in
            try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                for map in 0..<8 {
                    group.addTask {
                        (map, try await connection.fetch(BlockRequest(shuffleId: 1, mapIndex: map, reduce: 2), timeout: .seconds(30)))
                    }
                }
                for try await (map, bytes) in group {
                    let request = BlockRequest(shuffleId: 1, mapIndex: map, reduce: 2)
                    guard map % 2 == 1 else {
                        #expect(bytes == Self.bucket(request))
                        continue
                    }
                    // The tail arrives as the rest of the payload, byte for byte the pairs' wire form.
                    var expected = WireWriter()
                    expected.writeRaw([1, 2, 3])
                    for pair in Self.pairs(request) { expected.write(pair: pair) }
                    #expect(bytes == expected.take())
                }
            }
            #expect(server.bucketsServed == 8)
            #expect(connection.pendingCount == 0)
        }
    }

    @Test func connectionsAreCountedByThePeerThatOpenedThem() async throws {
        try await withServer(serve: { Self.encoded($0) }) { server, _, _ in
            // One node dialling twice, and another node dialling the same endpoint
            // (as a node may that knew a departed peer there).
            let (twice, once) = (try TCPTransport(), try TCPTransport())
            do {
                var opened: [BlockConnection] = []
                for transport in [twice, twice, once] {
                    opened.append(BlockConnection(try await transport.connect(to: server.endpoint), node: "server"))
                }
                // Answered on each, so the server has counted each connection.
                for connection in opened {
                    _ = try await connection.fetch(BlockRequest(shuffleId: 1, mapIndex: 0, reduce: 0), timeout: .seconds(30))
                }
                #expect(server.connectionsAccepted(from: twice.identity) == 2)
                #expect(server.connectionsAccepted(from: once.identity) == 1)
            } catch {
                await twice.shutdown()
                await once.shutdown()
                throw error
            }
            await twice.shutdown()
            await once.shutdown()
        }
    }

    @Test func aServerErrorIsARefusalNamingIt() async throws {
        try await withServer(serve: { request in
            throw EngineError.fetchFailed(shuffleId: request.shuffleId, mapIndex: request.mapIndex, reduceIndex: request.reduce)
        }) { server, connection, _ in
            guard let reason = await refusalReason(BlockRequest(shuffleId: 4, mapIndex: 5, reduce: 6), on: connection) else { return }
            #expect(reason.contains("shuffle 4: output of map 5 for reduce 6"))
            #expect(server.bucketsServed == 0)
            // The connection stays usable after a refusal.
            #expect(!connection.isFailed)
        }
    }

    @Test func aBucketOverThePeersFrameLimitIsRefusedNotSent() async throws {
        try await withServer(maxFrameSize: 64 << 10, serve: { _ in
            EncodedBucket(bytes: [1], tail: FrameTail(memoryOf: [UInt8](repeating: 1, count: (64 << 10) - 12)))
        }) { _, connection, _ in
            guard let reason = await refusalReason(BlockRequest(shuffleId: 0, mapIndex: 0, reduce: 0), on: connection) else { return }
            #expect(reason.contains("over the frame size limit"))
            #expect(!connection.isFailed)
        }
    }

    @Test func aMalformedRequestGetsARefusal() async {
        for payload in [[], [1, 2, 3], [UInt8](repeating: 0xFF, count: 40)] as [[UInt8]] {
            let reply = await BlockServer.reply(to: Frame(kind: .request, correlationID: 9, payload: payload), maxFrameSize: 1 << 20) { _ in
                Issue.record("a malformed request was served")
                return EncodedBucket(bytes: [])
            }
            #expect(reply.frame.kind == .block)
            #expect(reply.frame.correlationID == 9)
            #expect(reply.frame.flags == BlockServer.refusedFlag)
            #expect(reply.tail == nil)
            #expect(String(decoding: reply.frame.payload, as: UTF8.self).hasPrefix("malformed request"))
        }
    }

    @Test func aServerThatGoesAwayFailsTheWaitingFetches() async throws {
        let requested = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        defer { release.continuation.finish() }
        try await withServer(serve: { _ in
            requested.continuation.yield()
            // Answers only at the end of the test: the server goes away first.
            for await _ in release.stream {}
            return EncodedBucket(bytes: [])
        }) { _, connection, serverSide in
            let fetched = Task { try await connection.fetch(BlockRequest(shuffleId: 0, mapIndex: 0, reduce: 0), timeout: .seconds(3600)) }
            var arrivals = requested.stream.makeAsyncIterator()
            _ = await arrivals.next()
            await serverSide.shutdown()
            let error = await #expect(throws: BlockFetchError.self) { _ = try await fetched.value }
            guard case .connectionLost? = error else {
                Issue.record("expected a lost connection, got \(String(describing: error))")
                return
            }
            #expect(connection.isFailed)
            await #expect(throws: BlockFetchError.self) {
                _ = try await connection.fetch(BlockRequest(shuffleId: 0, mapIndex: 1, reduce: 0), timeout: .seconds(30))
            }
        }
    }

    @Test func aFetchWithNoReplyTimesOut() async throws {
        let release = AsyncStream<Void>.makeStream()
        defer { release.continuation.finish() }
        try await withServer(serve: { _ in
            // Answers only at the end of the test.
            for await _ in release.stream {}
            return EncodedBucket(bytes: [])
        }) { _, connection, _ in
            let error = await #expect(throws: BlockFetchError.self) {
                _ = try await connection.fetch(BlockRequest(shuffleId: 0, mapIndex: 0, reduce: 0), timeout: .milliseconds(20))
            }
            guard case .timedOut? = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
            #expect(connection.pendingCount == 0)
        }
    }
}
