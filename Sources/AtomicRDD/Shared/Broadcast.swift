import Foundation
import Synchronization

/// A read-only value shipped to each executor once, not with every task.
///
/// ```swift
/// let stopWords = sc.broadcast(Set(["the", "a", "of"]))
/// let kept = words.filter { !stopWords.value.contains($0) }
/// ```
public final class Broadcast<Value: Sendable>: Sendable {
    /// The broadcast's id within its Context.
    public let id: Int
    private let source: Value
    let registry: BroadcastRegistry

    init(id: Int, value: Value, registry: BroadcastRegistry) {
        self.id = id
        self.source = value
        self.registry = registry
    }

    /// The value: inside a task, the copy materialized on the task's executor
    /// (fetched on first use there); on the driver, the original.
    public var value: Value {
        guard let task = TaskContext.current else { return source }
        return task.environment.broadcasts.value(of: id) { source } as! Value
    }

    /// Drops the executors' copies; they fetch it again if a task needs it.
    public func unpersist() { registry.forget(id) }

    /// The value the driver holds.
    var sourceValue: Value { source }
}

/// Keeps the broadcast values materialized on one executor.
final class BroadcastCache: Sendable {
    private let values = Mutex<[Int: any Sendable]>([:])
    private let materializations = Mutex(0)
    private let fetching = NSLock()

    /// The executor's copy of broadcast `id`, fetched with `fetch` on first use.
    func value(of id: Int, fetch: () throws -> any Sendable) rethrows -> any Sendable {
        if let cached = values.withLock({ $0[id] }) { return cached }
        // One fetch at a time, so tasks asking together materialize the value once.
        fetching.lock()
        defer { fetching.unlock() }
        if let cached = values.withLock({ $0[id] }) { return cached }
        let fetched = try fetch()
        return values.withLock { values in
            if let raced = values[id] { return raced }
            values[id] = fetched
            materializations.withLock { $0 += 1 }
            return fetched
        }
    }

    /// How many broadcast values this executor has materialized.
    var materializationCount: Int { materializations.withLock { $0 } }

    /// Drops a value.
    func remove(_ id: Int) { _ = values.withLock { $0.removeValue(forKey: id) } }
}

/// The executors' caches of a Context, so `unpersist` reaches them all.
final class BroadcastRegistry: Sendable {
    private let caches = Mutex<[BroadcastCache]>([])
    /// The values handles were made for, served to workers.
    let published = BroadcastValues()
    /// On a cluster of worker processes: drops a value on every worker (set by the Context).
    private let remote = Mutex<(@Sendable (Int) async -> Void)?>(nil)
    /// Drops on workers not known to be done yet.
    private let removals = Mutex<[Task<Void, Never>]>([])

    func add(_ cache: BroadcastCache) { caches.withLock { $0.append(cache) } }

    /// Makes `forget` reach the caches of worker processes too, through `remove`.
    func forgetRemotely(with remove: @escaping @Sendable (Int) async -> Void) { remote.withLock { $0 = remove } }

    func forget(_ id: Int) {
        published.forget(id)
        for cache in caches.withLock({ $0 }) { cache.remove(id) }
        if let remove = remote.withLock({ $0 }) {
            let removal = Task { await remove(id) }
            removals.withLock { $0.append(removal) }
        }
    }

    /// Returns once every worker process has dropped the values forgotten so far
    /// (a job waits for it, so its tasks never read an unpersisted copy).
    func finishRemovals() async {
        let pending = removals.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for removal in pending { await removal.value }
    }
    func publish<Value: WireCodable & Sendable>(id: Int, value: Value) { published.publish(id: id, value: value) }
}
