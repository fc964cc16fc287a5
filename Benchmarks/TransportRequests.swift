import AtomicTransport
import Synchronization

/// The smallest request/reply layer over a bare transport connection: `tasks`
/// concurrent tasks each send a request and wait for the reply with its
/// correlation id, which one reader task hands back. The same concurrency shape
/// as actor calls, without the actor layer: its rate is what the actor figures
/// are compared with to price that layer.
enum TransportRequests {
    static func rate(to endpoint: Endpoint, tasks: Int, count: Int, size: Int) async throws -> Double {
        let transport = try TCPTransport()
        let connection = try await transport.connect(to: endpoint)
        let waiting = Waiting()
        let reader = Task {
            while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                for frame in batch { waiting.resume(frame.correlationID, with: frame.payload) }
            }
        }
        let payload = [UInt8](repeating: 1, count: size)
        let rate = try await concurrentRate(tasks: tasks, count: count) { task, index in
            let id = UInt64(task) << 32 | UInt64(index)
            let reply = try await waiting.wait(for: id) {
                try await connection.send(Frame(kind: .request, correlationID: id, payload: payload))
            }
            precondition(reply.count == size, "request lost bytes")
        }
        await connection.close()
        _ = try? await reader.value
        await transport.shutdown()
        return rate
    }

    /// Requests waiting for replies, by correlation id.
    final class Waiting: Sendable {
        private enum Slot { case waiting(CheckedContinuation<[UInt8], any Error>), arrived([UInt8]) }
        private let slots = Mutex<[UInt64: Slot]>([:])

        func wait(for id: UInt64, afterSending send: () async throws -> Void) async throws -> [UInt8] {
            try await send()
            return try await withCheckedThrowingContinuation { continuation in
                let ready: [UInt8]? = slots.withLock { s in
                    if case let .arrived(bytes)? = s.removeValue(forKey: id) { return bytes }
                    s[id] = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }

        func resume(_ id: UInt64, with bytes: [UInt8]) {
            let waiter: CheckedContinuation<[UInt8], any Error>? = slots.withLock { s in
                if case let .waiting(continuation)? = s.removeValue(forKey: id) { return continuation }
                s[id] = .arrived(bytes)
                return nil
            }
            waiter?.resume(returning: bytes)
        }
    }
}
