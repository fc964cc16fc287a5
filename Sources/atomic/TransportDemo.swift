import AtomicTransport
import Foundation

/// Two nodes in this process over real loopback TCP: they authenticate with a
/// random cluster secret, then one echoes every frame the other sends.
enum TransportDemo {
    static func run(_ arguments: [String]) async -> Int32 {
        var frames = 10_000
        var payload = 64
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value >= 0 else {
                FileHandle.standardError.write(Data("atomic demo: '\(flag)' needs a non-negative number\n".utf8))
                return 2
            }
            switch flag {
            case "--frames": frames = value
            case "--payload": payload = value
            default:
                FileHandle.standardError.write(Data("atomic demo: unknown flag '\(flag)'\n".utf8))
                return 2
            }
            index += 2
        }
        do {
            try await echo(frames: frames, payload: payload)
            return 0
        } catch {
            FileHandle.standardError.write(Data("atomic demo failed: \(error)\n".utf8))
            return 1
        }
    }

    static func echo(frames: Int, payload: Int) async throws {
        let secret = ClusterSecret.random()
        let server = try TCPTransport(configuration: TransportConfiguration(secret: secret))
        let client = try TCPTransport(configuration: TransportConfiguration(secret: secret))
        let listener = try await server.listen(on: Endpoint(host: "127.0.0.1", port: 0))
        print("node A listening on \(listener.endpoint)")
        let echoTask = Task {
            for await connection in listener.connections {
                print("node A accepted \(connection.remote) (authenticated)")
                while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                    try await connection.send(batch.map { Frame(kind: .reply, correlationID: $0.correlationID, payload: $0.payload) })
                }
                return
            }
        }
        let start = ContinuousClock.now
        let connection = try await client.connect(to: listener.endpoint)
        print("node B connected to \(connection.remote) in \(ContinuousClock.now - start)")
        let body = [UInt8](repeating: 7, count: payload)
        let window = 64
        var sent = 0, received = 0, checksum: UInt64 = 0
        let echoStart = ContinuousClock.now
        while sent < min(window, frames) {
            try await connection.send(Frame(kind: .request, correlationID: UInt64(sent), payload: body))
            sent += 1
        }
        while received < frames {
            let batch = try await connection.inbound.nextBatch()
            guard !batch.isEmpty else { break }
            received += batch.count
            for frame in batch { checksum &+= frame.correlationID }
            var next: [Frame] = []
            while sent < frames && next.count < batch.count {
                next.append(Frame(kind: .request, correlationID: UInt64(sent), payload: body))
                sent += 1
            }
            if !next.isEmpty { try await connection.send(next) }
        }
        let elapsed = (ContinuousClock.now - echoStart).seconds
        let expected = frames > 0 ? UInt64(frames) * UInt64(frames - 1) / 2 : 0
        print("echoed \(received) frames of \(payload) bytes in \(String(format: "%.3f", elapsed)) s "
              + "(\(Int(Double(received) / max(elapsed, 1e-9))) round trips/s), checksum \(checksum == expected ? "ok" : "WRONG")")
        await connection.close()
        try await echoTask.value
        listener.close()
        await client.shutdown()
        await server.shutdown()
        guard checksum == expected, received == frames else { throw DemoError.mismatch }
    }

    enum DemoError: Error { case mismatch }
}
