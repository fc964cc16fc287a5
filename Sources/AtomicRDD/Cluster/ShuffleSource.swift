import AtomicActors
import Synchronization

/// Where a task on a worker finds the map outputs it reads: which node holds
/// each map task's output, and how to fetch a bucket from another node.
///
/// Remote buckets are fetched several at a time, within a bound on the bytes in
/// flight (requested and not yet received), estimated from the size the map
/// task reported for its largest bucket; one fetch is always allowed, however
/// large. A failed fetch is retried with backoff, then reported as a fetch
/// failure, which makes the driver rerun the lost map tasks.
struct ShuffleSource: Sendable {
    /// For each shuffle: the node holding each map task's output (nil when unknown).
    var locations: [Int: [NodeIdentity?]]
    /// For each shuffle: an estimate of the largest bucket of each map output, in bytes.
    var bucketBytes: [Int: [Int]] = [:]
    /// This node.
    var localNode: NodeIdentity
    /// Fetches `(shuffleId, mapIndex, reduce)` from a node: the bucket in the form of ``ShuffleBucket``.
    var fetch: @Sendable (_ node: NodeIdentity, _ shuffleId: Int, _ mapIndex: Int, _ reduce: Int) async throws -> [UInt8]
    /// Attempts per remote bucket before reporting a fetch failure.
    var attempts = 3
    /// The first wait before a retry; each later one doubles it.
    var retryDelay: Duration = .milliseconds(20)
    /// The most estimated bytes of remote buckets requested and not yet received
    /// (Spark's `spark.reducer.maxSizeInFlight`).
    var maxBytesInFlight = ShuffleSource.defaultMaxBytesInFlight
    /// Where remote fetches are counted.
    var statistics: FetchStatistics?

    /// 48 MiB, as Spark.
    static let defaultMaxBytesInFlight = 48 << 20

    init(locations: [Int: [NodeIdentity?]], localNode: NodeIdentity,
         fetch: @escaping @Sendable (NodeIdentity, Int, Int, Int) async throws -> [UInt8]) {
        self.locations = locations
        self.localNode = localNode
        self.fetch = fetch
    }

    /// The blocks of `reduce` in map order: local outputs from this node's
    /// shuffle manager, remote ones fetched (each piece of a bucket a block of
    /// the received bytes, decoded as the reducer reads it), within `budget`:
    /// a task fetching several shuffles at once (a join's two sides) gives
    /// them one; by default the fetch has a budget of ``maxBytesInFlight`` to itself.
    func blocks(shuffleId: Int, mapCount: Int, reduce: Int, task: TaskContext,
                budget: FetchBudget? = nil) async throws -> [ShuffleBlock] {
        let nodes = locations[shuffleId] ?? []
        let sizes = bucketBytes[shuffleId] ?? []
        var blocks = [[ShuffleBlock]](repeating: [], count: mapCount)
        var remote: [(mapIndex: Int, node: NodeIdentity, estimate: Int)] = []
        for mapIndex in 0..<mapCount {
            guard mapIndex < nodes.count, let node = nodes[mapIndex] else {
                throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce)
            }
            if node == localNode {
                blocks[mapIndex] = try task.environment.shuffleManager.blocks(shuffleId: shuffleId, maps: [mapIndex],
                                                                               reduce: reduce, readBy: task)
            } else {
                remote.append((mapIndex, node, mapIndex < sizes.count ? max(1, sizes[mapIndex]) : 1))
            }
        }
        guard !remote.isEmpty else { return blocks.flatMap { $0 } }
        var fetchedBytes = 0
        var lastArrival = ContinuousClock.now
        statistics?.begin()
        // Counted however the fetches end: a failed fetch's time was spent too.
        defer { statistics?.end(bytes: fetchedBytes, fetches: remote.count, lastArrival: lastArrival) }
        let budget = budget ?? FetchBudget(limit: maxBytesInFlight)
        let estimates = remote.map { budget.counted($0.estimate) }
        // Estimates of this fetch's requests not yet received: given back however the fetch ends.
        var held = 0
        defer { if held > 0 { budget.give(held) } }
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            var next = 0
            while true {
                // In order, while they fit; with none in flight, waits for room.
                while next < remote.count {
                    if held == 0 { await budget.take(estimates[next]) } else if !budget.tryTake(estimates[next]) { break }
                    held += estimates[next]
                    let (mapIndex, node, _) = remote[next]
                    let index = next
                    group.addTask { (index, try await fetchWithRetries(node, shuffleId, mapIndex, reduce)) }
                    next += 1
                }
                guard let (index, bytes) = try await group.next() else { break }
                lastArrival = ContinuousClock.now
                fetchedBytes += bytes.count
                // Each piece is read from its range of the received bytes, with no copy of its own.
                budget.give(estimates[index])
                held -= estimates[index]
                blocks[remote[index].mapIndex] = try ShuffleBucket.pieces(of: bytes).map { .encoded(bytes, $0) }
            }
        }
        return blocks.flatMap { $0 }
    }

    private func fetchWithRetries(_ node: NodeIdentity, _ shuffleId: Int, _ mapIndex: Int, _ reduce: Int) async throws -> [UInt8] {
        var delay = retryDelay
        for attempt in 1...max(1, attempts) {
            do { return try await fetch(node, shuffleId, mapIndex, reduce) } catch {
                if attempt == attempts || error is CancellationError { break }
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        throw EngineError.fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceIndex: reduce)
    }
}

/// Bytes fetched from other nodes and the time spent fetching, on one worker.
///
/// Fetches may overlap (a join fetches both of its sides at once, and a worker
/// with several cores runs several reduce tasks): the time counted is the
/// worker's time with at least one fetch in progress, not the sum of the
/// fetches' durations, so the throughput it gives is bytes over time spent
/// fetching.
final class FetchStatistics: Sendable {
    private struct Totals {
        var bytes = 0
        var fetches = 0
        var busy = Duration.zero
        var receiving = Duration.zero
        // The current busy period: fetches in progress, when it began, and the
        // last bucket's arrival in it.
        var active = 0
        var since = ContinuousClock.now
        var lastArrival = ContinuousClock.now
    }

    private let totals = Mutex(Totals())

    /// A reducer's remote fetches begin.
    func begin() {
        let now = ContinuousClock.now
        totals.withLock { t in
            if t.active == 0 { (t.since, t.lastArrival) = (now, now) }
            t.active += 1
        }
    }

    /// A reducer's remote fetches ended, its last bucket received: their bytes,
    /// their number, and when the last bucket's bytes arrived (splitting a
    /// bucket into its pieces checks their lengths; the records are decoded
    /// later, as the reducer reads them).
    func end(bytes count: Int, fetches: Int, lastArrival: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        totals.withLock { t in
            t.bytes += count
            t.fetches += fetches
            t.lastArrival = max(t.lastArrival, lastArrival)
            t.active -= 1
            if t.active == 0 {
                t.busy += now - t.since
                t.receiving += t.lastArrival - t.since
            }
        }
    }

    /// The fetches so far: time with a fetch in progress, and from the start
    /// of each such period to the last bytes received in it.
    var figures: FetchFigures {
        totals.withLock { t in
            var figures = FetchFigures()
            figures.bytes = t.bytes
            figures.seconds = Self.seconds(t.busy)
            figures.receivedSeconds = Self.seconds(t.receiving)
            figures.fetches = t.fetches
            return figures
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
