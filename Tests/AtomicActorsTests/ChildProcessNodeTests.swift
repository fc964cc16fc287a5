import Foundation
import Testing
import AtomicClusterTesting
@testable import AtomicActors

/// A real second process, started from the `atomic` executable like a worker.
@Suite struct ChildProcessNodeTests {
    /// The `atomic` executable built beside this test bundle.
    static func atomicExecutable() throws -> URL { URL(fileURLWithPath: try SiblingExecutable.path("atomic")) }

    /// A child node joining `driver`, its standard input the pipe whose closing
    /// tells it the parent is gone. Not yet started, so a test can add a handler.
    static func childNode(joining driver: ClusterSystem) throws -> (process: Process, stdin: Pipe) {
        let child = Process()
        child.executableURL = try atomicExecutable()
        child.arguments = ["node", "--seed", "\(driver.identity.endpoint)", "--exit-with-parent"]
        let stdin = Pipe()
        child.standardInput = stdin
        child.standardOutput = Pipe()
        return (child, stdin)
    }

    /// The first node `events` reports up.
    static func firstJoined(_ events: AsyncStream<MembershipEvent>) async -> NodeIdentity? {
        for await event in events {
            if case let .up(node) = event { return node }
        }
        return nil
    }

    @Test func a_child_process_joins_serves_calls_and_is_seen_down_after_sigkill() async throws {
        try await InProcessCluster.with(nodes: 1, placement: .loopbackTCP) { cluster in
            let driver = cluster[0]
            let events = driver.membershipEvents()
            let (child, stdin) = try Self.childNode(joining: driver)
            try child.run()
            defer {
                if child.isRunning { kill(child.processIdentifier, SIGKILL) }
                child.waitUntilExit()
            }
            // The child joins: the driver sees it up.
            let node = try #require(await Self.firstJoined(events))
            // It serves calls.
            let probe = try driver.probe(on: node)
            #expect(try await probe.node() == node)
            #expect(try await probe.echo([9, 8, 7]) == [9, 8, 7])
            #expect(try await probe.members().contains(driver.identity))
            // SIGKILL: no goodbye. The driver sees it down, and calls fail at once.
            kill(child.processIdentifier, SIGKILL)
            for await event in events where event == .down(node) { break }
            #expect(driver.status(of: node) == .down)
            await #expect(throws: RemoteCallError.nodeDown(node)) { _ = try await probe.echo([1]) }
            try? stdin.fileHandleForWriting.close()
        }
    }

    @Test func a_child_started_with_exit_with_parent_exits_when_the_parents_pipe_closes() async throws {
        try await InProcessCluster.with(nodes: 1, placement: .loopbackTCP) { cluster in
            let driver = cluster[0]
            let events = driver.membershipEvents()
            let (child, stdin) = try Self.childNode(joining: driver)
            let exited = AsyncStream<Int32>.makeStream()
            child.terminationHandler = { process in
                exited.continuation.yield(process.terminationStatus)
                exited.continuation.finish()
            }
            try child.run()
            defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
            let node = try #require(await Self.firstJoined(events))
            // What the kernel does when the parent dies: the pipe's write end closes.
            try stdin.fileHandleForWriting.close()
            var status: Int32?
            for await code in exited.stream { status = code }
            #expect(status == 0)
            #expect(!child.isRunning)
            for await event in events where event == .down(node) { break }
            #expect(driver.status(of: node) == .down)
        }
    }

    /// A bare node allowed `descriptors` descriptors, started with `flags` besides
    /// `--exit-with-parent`, and where it listens (from its first line).
    static func bareNode(descriptors: Int, _ flags: [String] = []) throws -> (process: Process, stdin: Pipe, endpoint: Endpoint) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "ulimit -n \(descriptors) && exec \"$0\" node --exit-with-parent \"$@\"", try atomicExecutable().path] + flags
        let stdin = Pipe(), stdout = Pipe()
        child.standardInput = stdin
        child.standardOutput = stdout
        try child.run()
        // Its first line: "node HOST:PORT INCARNATION".
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = stdout.fileHandleForReading.availableData
            guard !more.isEmpty else { break }
            line.append(more)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count >= 2, let endpoint = Endpoint(parsing: String(words[1])) else {
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            throw NodeStartError(said: String(decoding: line, as: UTF8.self))
        }
        return (child, stdin, endpoint)
    }

    /// A bare node that ended before it said where it listens.
    struct NodeStartError: Error { let said: String }

    /// CPU seconds process `pid` has used (user and system), from /proc.
    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses: state is the first; utime and stime the 12th and 13th.
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        let ticks = try #require(Double(fields[11])) + (try #require(Double(fields[12])))
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Runs `body` with a bare node allowed 48 descriptors, started with `flags`,
    /// and 100 connections to it, more than it can take; closes them and stops
    /// the node after.
    static func withFloodedNode(_ flags: [String] = [],
                                _ body: (_ node: Process, _ endpoint: Endpoint, _ sockets: inout [BlockingSocket]) throws -> Void) throws {
        let (child, stdin, endpoint) = try bareNode(descriptors: 48, flags)
        var sockets: [BlockingSocket] = []
        defer {
            for socket in sockets { socket.close() }
            try? stdin.fileHandleForWriting.close()
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }
        for _ in 0..<100 { sockets.append(try BlockingSocket.connect(to: endpoint)) }
        try body(child, endpoint, &sockets)
    }

    @Test func a_node_out_of_descriptors_closes_the_connections_it_cannot_take_instead_of_spinning_on_them() throws {
        try Self.withFloodedNode { child, _, sockets in
            // The last connections found no descriptor on the node: closed at once, long
            // before the 5 s handshake timeout ends the ones it took. (Left waiting, they
            // would keep the node's event loop spinning on them.)
            let last = try #require(sockets.last)
            last.setReadTimeout(.seconds(3))
            Self.expectClosedByTheNode(last)
            #expect(child.isRunning, "the node lives on")
        }
    }

    @Test func a_node_out_of_descriptors_with_no_spare_stops_accepting_for_a_while_instead_of_spinning() throws {
        // No spare to shed a waiting connection with: the connections beyond what
        // its descriptors hold wait, and the node stops accepting for a while.
        try Self.withFloodedNode(["--listener-spares", "0"]) { child, endpoint, sockets in
            // Over one second a node spinning on the waiting connections burns most of a
            // core (the handshakes it took wait for their 5 s timeout meanwhile); one
            // that stops accepting wakes a few times. (On a machine so busy that a
            // spinning node got under a quarter of a core, this would pass regardless.)
            let before = try Self.cpuSeconds(of: child.processIdentifier)
            Thread.sleep(forTimeInterval: 1)
            let used = try Self.cpuSeconds(of: child.processIdentifier) - before
            #expect(used < 0.25, "\(used) s of CPU in 1 s")
            // Descriptors come back as the clients leave: the node accepts again, and a
            // connection that sends no handshake is closed.
            for socket in sockets { socket.close() }
            sockets = []
            let late = try BlockingSocket.connect(to: endpoint)
            sockets.append(late)
            try late.write([UInt8](repeating: 0xFF, count: 64))
            late.setReadTimeout(.seconds(10))
            Self.expectClosedByTheNode(late)
            #expect(child.isRunning, "the node lives on")
        }
    }

    /// Expects that the node closed `socket`: an end of stream, or a reset when
    /// the kernel had queued more than the node read before it closed (not a
    /// read timeout: the node never took the connection).
    static func expectClosedByTheNode(_ socket: BlockingSocket) {
        let read = Result { () throws(TransportError) -> [UInt8] in try socket.readSome(max: 1) }
        switch read {
        case .success(let bytes): #expect(bytes.isEmpty, "the node sent \(bytes) instead of closing")
        case .failure(.io(let error)): #expect(error.errno == ECONNRESET, "closed by the node, not \(error)")
        case .failure(let error): Issue.record("closed by the node, not \(error)")
        }
    }
}
