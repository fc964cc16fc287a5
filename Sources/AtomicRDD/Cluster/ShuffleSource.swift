import AtomicActors
import Synchronization

/// Where a task on a worker finds the map outputs it reads: which node holds
/// each map task's output, and how to fetch a bucket from another node.
///
/// Buckets are fetched one map output at a time, so at most one bucket per
/// reducer is in flight; a failed fetch is retried with backoff, then reported
/// as a fetch failure, which makes the driver rerun the lost map tasks.
struct ShuffleSource: Sendable {
    /// For each shuffle: the node holding each map task's output (nil when unknown).
    var locations: [Int: [NodeIdentity?]]
    /// This node.
    var localNode: NodeIdentity
    /// Fetches `(shuffleId, mapIndex, reduce)` from a node.
    var fetch: @Sendable (_ node: NodeIdentity, _ shuffleId: Int, _ mapIndex: Int, _ reduce: Int) async throws -> [UInt8]
    /// Attempts per remote bucket before reporting a fetch failure.
    var attempts = 3
    /// Where remote fetches are counted.
    var statistics: FetchStatistics?

    /// The blocks of `reduce`: local outputs from this node's shuffle manager,
    /// remote ones fetched and decoded with `decode`.
    func blocks(shuffleId: Int, mapCount: Int, reduce: Int, task: TaskContext,
                decode: @Sendable ([UInt8]) throws -> any Sendable) async throws -> [ShuffleBlock] {
        let nodes = locations[shuffleId] ?? []
        var blocks: [ShuffleBlock] = []
        for mapIndex in 0..<mapCount {
            guard mapIndex < nodes.count, let node = nodes[mapIndex] else { throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce) }
            if node == localNode {
                blocks += try await task.environment.shuffleManager.fetch(shuffleId: shuffleId, maps: [mapIndex], reduce: reduce)
                continue
            }
            let start = ContinuousClock.now
            let bytes = try await fetchWithRetries(node, shuffleId, mapIndex, reduce)
            statistics?.add(bytes: bytes.count, duration: ContinuousClock.now - start)
            var reader = WireReader(bytes)
            for piece in try reader.read([[UInt8]].self) { blocks.append(.memory(try decode(piece))) }
        }
        return blocks
    }

    private func fetchWithRetries(_ node: NodeIdentity, _ shuffleId: Int, _ mapIndex: Int, _ reduce: Int) async throws -> [UInt8] {
        var delay = Duration.milliseconds(20)
        for attempt in 1...attempts {
            do { return try await fetch(node, shuffleId, mapIndex, reduce) } catch {
                if attempt == attempts || error is CancellationError { break }
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce)
    }
}

/// Bytes fetched from other nodes and the time the fetches took, on one worker.
final class FetchStatistics: Sendable {
    private let bytes = Atomic<Int>(0)
    private let nanoseconds = Atomic<Int>(0)
    private let fetches = Atomic<Int>(0)

    /// Counts one fetch.
    func add(bytes count: Int, duration: Duration) {
        bytes.add(count, ordering: .relaxed)
        let (seconds, attoseconds) = duration.components
        nanoseconds.add(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000), ordering: .relaxed)
        fetches.add(1, ordering: .relaxed)
    }

    /// Bytes, nanoseconds and fetches so far.
    var totals: [Int] { [bytes.load(ordering: .relaxed), nanoseconds.load(ordering: .relaxed), fetches.load(ordering: .relaxed)] }
}
