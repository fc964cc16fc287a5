import AtomicTransport
import Synchronization

/// Serves this worker's shuffle buckets to reducers on other workers, over
/// connections of its own beside the actor system's, as Spark's block transfer
/// service sits beside its RPC. Lives on every worker node; reducers find its
/// endpoint with ``WorkerService/blockEndpoint()``.
///
/// ```
///   reducer (BlockConnection)                     BlockServer
///     .request  [shuffleId, mapIndex, reduce] --->  encodes the bucket
///     <--- .block  flags 0: the bucket's bytes      (ShuffleBucket), sent
///          flags 1: why not (UTF-8)                 from where it lies
/// ```
///
/// A bucket crosses as one frame: encoded once into the buffer the transport
/// sends from, or sent from where its records lie as parts of a ``FrameTail``
/// (records whose memory is their wire form; spill segments, from the file's
/// pages), and read on the other side straight into the array the reducer
/// decodes from. Through an actor call it would also be copied into the
/// reply's envelope and out of it again. Connections are made by the worker's
/// transport, so they are authenticated as the actor system's are, and they
/// close with it.
final class BlockServer: Sendable {
    /// The `flags` of a reply that carries an error message instead of a bucket.
    static let refusedFlag: UInt16 = 1

    /// Where reducers connect.
    let endpoint: Endpoint
    /// Buckets served so far.
    var bucketsServed: Int { served.load(ordering: .relaxed) }
    /// Connections accepted so far from `node`. Counted by peer, not in all: a
    /// node dialling an endpoint it knew from before (a departed node's port,
    /// which this listener may since have been given) also reaches this listener.
    /// One entry for each peer incarnation that ever connected, for the
    /// server's life: a few per worker the cluster has had.
    func connectionsAccepted(from node: NodeIdentity) -> Int {
        accepted.withLock { $0[node, default: 0] }
    }

    private let listener: any Listener
    private let served = Atomic(0)
    private let accepted = Mutex<[NodeIdentity: Int]>([:])
    private let maxFrameSize: Int
    private let serve: @Sendable (BlockRequest) async throws -> EncodedBucket

    /// Listens on `host` (any free port) and serves each request with `serve`.
    /// A reply larger than `maxFrameSize` (the peer's inbound limit) is refused
    /// instead of sent.
    ///
    /// - Throws: ``TransportError`` when the listener cannot be opened.
    init(transport: any Transport, host: String, maxFrameSize: Int,
         serve: @escaping @Sendable (BlockRequest) async throws -> EncodedBucket) async throws {
        listener = try await transport.listen(on: Endpoint(host: host, port: 0))
        endpoint = listener.endpoint
        self.maxFrameSize = maxFrameSize
        self.serve = serve
        let connections = listener.connections
        // Runs until the listener closes (with the transport, or `close()`).
        Task { [self] in
            for await connection in connections {
                accepted.withLock { $0[connection.remote, default: 0] += 1 }
                Task { await answer(connection) }
            }
        }
    }

    /// Stops accepting connections; those open stay until the transport closes them.
    func close() { listener.close() }

    /// Answers the requests of one connection until it ends, each in a task of
    /// its own so a large bucket does not hold up the others.
    private func answer(_ connection: Connection) async {
        do {
            while case let batch = try await connection.inbound.nextBatch(), !batch.isEmpty {
                for frame in batch where frame.kind == .request {
                    Task { [self] in
                        let reply = await BlockServer.reply(to: frame, maxFrameSize: maxFrameSize, with: serve)
                        if reply.frame.flags == 0 { served.add(1, ordering: .relaxed) }
                        if let tail = reply.tail {
                            try? await connection.send(reply.frame, tail: tail)
                        } else {
                            try? await connection.send(reply.frame)
                        }
                    }
                }
            }
        } catch {
            // The connection ended; the reducer's side sees it and retries elsewhere.
        }
    }

    /// The reply to one request: the bucket (with the tail it is sent with), or why it cannot be had.
    static func reply(to frame: Frame, maxFrameSize: Int,
                      with serve: @Sendable (BlockRequest) async throws -> EncodedBucket) async -> (frame: Frame, tail: FrameTail?) {
        func refusal(_ reason: String) -> (Frame, FrameTail?) {
            (Frame(kind: .block, flags: refusedFlag, correlationID: frame.correlationID, payload: Array(reason.utf8)), nil)
        }
        let request: BlockRequest
        do { request = try BlockRequest(wireBytes: frame.payload) } catch { return refusal("malformed request: \(error)") }
        do {
            let bucket = try await serve(request)
            guard bucket.count <= maxFrameSize - Frame.headerSize else {
                return refusal("bucket of \(bucket.count) bytes (shuffle \(request.shuffleId), map \(request.mapIndex), "
                               + "reduce \(request.reduce)) is over the frame size limit of \(maxFrameSize) bytes")
            }
            return (Frame(kind: .block, correlationID: frame.correlationID, payload: bucket.bytes), bucket.tail)
        } catch {
            return refusal("\(error)")
        }
    }
}
