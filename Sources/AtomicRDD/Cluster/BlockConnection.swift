import AtomicTransport
import Synchronization

/// One connection to another worker's ``BlockServer``, carrying several bucket
/// requests at once: each is a `.request` frame with its own correlation id,
/// matched to its `.block` reply by a ``BlockFetchTable``. When the connection
/// ends, every request waiting on it fails.
final class BlockConnection: Sendable {
    /// The serving worker.
    let node: String
    private let connection: Connection
    private let table = Mutex(BlockFetchTable<UnsafeContinuation<[UInt8], any Error>>())

    /// Wraps an established connection and starts reading its replies.
    init(_ connection: Connection, node: String) {
        self.connection = connection
        self.node = node
        Task { await self.readReplies() }
    }

    /// Whether the connection has failed (a new one is needed).
    var isFailed: Bool { table.withLock { $0.failure != nil } }

    /// Requests waiting for their replies.
    var pendingCount: Int { table.withLock { $0.count } }

    /// Fetches one bucket.
    ///
    /// - Throws: ``BlockFetchError`` when the server refuses, the connection
    ///   ends, or no reply comes within `timeout`; `CancellationError` when the
    ///   calling task is cancelled.
    func fetch(_ request: BlockRequest, timeout: Duration) async throws -> [UInt8] {
        let id = try table.withLock { $0.open() }.get()
        do {
            try await connection.send(Frame(kind: .request, correlationID: id, payload: request.wireBytes()))
        } catch {
            failAll(.connectionLost(node: node, detail: "\(error)"))
        }
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            table.withLock { $0.arrive(id, .failure(.timedOut(node: node, after: timeout))) }?
                .resume(throwing: BlockFetchError.timedOut(node: node, after: timeout))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<[UInt8], any Error>) in
                if let now = table.withLock({ $0.park(id, continuation) }) {
                    continuation.resume(with: now.mapError { $0 as any Error })
                }
            }
        } onCancel: {
            table.withLock { $0.cancel(id) }?.resume(throwing: CancellationError())
        }
    }

    /// Closes the connection at once; requests waiting on it fail.
    func abort() {
        connection.abort()
        failAll(.connectionLost(node: node, detail: "closed locally"))
    }

    private func readReplies() async {
        var ending = "closed by the server"
        do {
            while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                for frame in batch where frame.kind == .block {
                    let result: Result<[UInt8], BlockFetchError> = frame.flags == BlockServer.refusedFlag
                        ? .failure(.refused(node: node, reason: String(decoding: frame.payload, as: UTF8.self)))
                        : .success(frame.payload)
                    let waiter = table.withLock { $0.arrive(frame.correlationID, result) }
                    waiter?.resume(with: result.mapError { $0 as any Error })
                }
            }
        } catch {
            ending = "\(error)"
        }
        failAll(.connectionLost(node: node, detail: ending))
    }

    private func failAll(_ error: BlockFetchError) {
        for waiter in table.withLock({ $0.fail(error) }) { waiter.resume(throwing: error) }
    }
}
