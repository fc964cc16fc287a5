import Testing
@testable import AtomicTransport

/// The in-memory transport: same interface, same handshake, injected faults.
@Suite struct InMemoryTransportTests {
    func pair(_ network: InMemoryNetwork, configuration: TransportConfiguration = TransportConfiguration())
        async throws -> (client: Connection, server: Connection, listener: any Listener)
    {
        let a = network.makeTransport(host: "a", configuration: configuration)
        let b = network.makeTransport(host: "b", configuration: configuration)
        let listener = try await b.listen(on: Endpoint(host: "b", port: 0))
        var accepted = listener.connections.makeAsyncIterator()
        let client = try await a.connect(to: listener.endpoint)
        let server = try #require(await accepted.next())
        return (client, server, listener)
    }

    func receive(_ connection: Connection, count: Int) async throws -> [UInt64] {
        var ids: [UInt64] = []
        var iterator = connection.inbound.makeAsyncIterator()
        while ids.count < count, let frame = try await iterator.next() { ids.append(frame.correlationID) }
        return ids
    }

    @Test func frames_flow_both_ways_after_an_authenticated_handshake() async throws {
        let network = InMemoryNetwork()
        let (client, server, listener) = try await pair(network, configuration: TransportConfiguration(secret: testSecret()))
        #expect(client.remote.endpoint == listener.endpoint)
        try await client.send((0..<10).map { Frame(correlationID: UInt64($0)) })
        #expect(try await receive(server, count: 10) == Array(0..<10))
        try await server.send(Frame(correlationID: 99))
        #expect(try await receive(client, count: 1) == [99])
        await client.close()
        #expect(try await server.inbound.nextBatch().isEmpty)
        #expect(network.openLinkCount == 0)
    }

    @Test func a_tail_arrives_as_the_rest_of_the_payload_in_memory_too() async throws {
        let network = InMemoryNetwork()
        let (client, server, _) = try await pair(network)
        try await client.send(Frame(kind: .block, correlationID: 4, payload: [1, 2]), tail: FrameTail(memoryOf: [UInt16(0x0403), 0x0605]))
        var inbound = server.inbound.makeAsyncIterator()
        let frame = try #require(await inbound.next())
        #expect(frame.correlationID == 4)
        #expect(frame.payload == [1, 2, 3, 4, 5, 6])
        await client.close()
    }

    @Test func a_wrong_secret_is_refused_on_both_sides_in_memory_too() async throws {
        let network = InMemoryNetwork()
        let a = network.makeTransport(host: "a", configuration: TransportConfiguration(secret: testSecret("one secret of enough length")))
        let b = network.makeTransport(host: "b", configuration: TransportConfiguration(secret: testSecret("another secret, also long")))
        let listener = try await b.listen(on: Endpoint(host: "b", port: 0))
        await #expect(throws: TransportError.handshake(.authenticationFailed)) { _ = try await a.connect(to: listener.endpoint) }
        #expect(await firstRejection(listener) == .handshake(.authenticationFailed))
    }

    @Test func dropped_frames_vanish_at_the_configured_rate_repeatably() async throws {
        func survivors(seed: UInt64) async throws -> [UInt64] {
            let network = InMemoryNetwork(seed: seed)
            let (client, server, _) = try await pair(network)
            network.setDropRate(from: "a", to: "b", 0.5)
            try await client.send((0..<1000).map { Frame(correlationID: UInt64($0)) })
            network.heal()
            try await client.send(Frame(correlationID: 1_000_000))
            var ids: [UInt64] = []
            for try await frame in server.inbound {
                if frame.correlationID == 1_000_000 { break }
                ids.append(frame.correlationID)
            }
            return ids
        }
        let first = try await survivors(seed: 1)
        #expect(first.count > 400 && first.count < 600)
        #expect(first == first.sorted())
        #expect(try await survivors(seed: 1) == first)
    }

    @Test func delayed_frames_arrive_later_and_in_order() async throws {
        let network = InMemoryNetwork()
        let (client, server, _) = try await pair(network)
        network.setDelay(from: "a", to: "b", .milliseconds(30))
        let start = ContinuousClock.now
        for id in 0..<20 { try await client.send(Frame(correlationID: UInt64(id))) }
        #expect(try await receive(server, count: 20) == Array(0..<20))
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    @Test func a_partition_blocks_frames_and_connections_until_healed() async throws {
        let network = InMemoryNetwork()
        let (client, server, listener) = try await pair(network)
        network.partition(["a"], ["b", "c"])
        try await client.send(Frame(correlationID: 1))   // lost in the partition
        let c = network.makeTransport(host: "c")
        _ = c
        let a2 = network.makeTransport(host: "a")
        await #expect(throws: TransportError.unreachable(listener.endpoint)) { _ = try await a2.connect(to: listener.endpoint) }
        network.heal()
        try await client.send(Frame(correlationID: 2))
        #expect(try await receive(server, count: 1) == [2])
        let again = try await a2.connect(to: listener.endpoint)
        #expect(again.remote.endpoint == listener.endpoint)
    }

    @Test func a_crashed_node_is_seen_as_a_lost_connection_by_its_peers() async throws {
        let network = InMemoryNetwork()
        let (client, server, listener) = try await pair(network)
        network.crash(host: "b")
        await #expect(throws: TransportError.connectionLost(detail: "peer b vanished")) {
            for try await _ in client.inbound {}
        }
        await #expect(throws: TransportError.self) { try await client.send(Frame()) }
        await #expect(throws: TransportError.closedLocally) { for try await _ in server.inbound {} }
        let a2 = network.makeTransport(host: "a2")
        await #expect(throws: TransportError.unreachable(listener.endpoint)) { _ = try await a2.connect(to: listener.endpoint) }
        #expect(network.openLinkCount == 0)
    }

    @Test func a_slow_reader_suspends_an_in_memory_sender() async throws {
        var configuration = TransportConfiguration()
        configuration.inboundHighWater = 64 << 10
        let network = InMemoryNetwork()
        let (client, server, _) = try await pair(network, configuration: configuration)
        let sent = Sendable_Counter()
        let sender = Task {
            for id in 0..<100 {
                try await client.send(Frame(correlationID: UInt64(id), payload: [UInt8](repeating: 1, count: 16 << 10)))
                sent.increment()
            }
        }
        // Reading one frame at a time, the sender can never be far ahead.
        var maxAhead = 0
        var received = 0
        for try await _ in server.inbound {
            received += 1
            maxAhead = max(maxAhead, sent.value - received)
            if received == 100 { break }
        }
        try await sender.value
        #expect(maxAhead <= 8, "the sender ran \(maxAhead) frames ahead of the reader")
    }

    @Test func frames_over_the_limit_close_the_in_memory_connection() async throws {
        var configuration = TransportConfiguration()
        configuration.maxFrameSize = 1024
        let network = InMemoryNetwork()
        let (client, server, _) = try await pair(network, configuration: configuration)
        try await client.send(Frame(payload: [UInt8](repeating: 0, count: 2048)))
        await #expect(throws: TransportError.framing(.frameTooLarge(length: 2048 + Frame.headerSize, limit: 1024))) {
            for try await _ in server.inbound {}
        }
    }
}
