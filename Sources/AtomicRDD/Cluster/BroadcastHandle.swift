import AtomicTransport
import Dispatch
import Synchronization

/// A broadcast variable as a registered function carries it to workers: its id.
/// In a task, ``value()`` gives the value, fetched from the driver once per
/// worker (then cached by the worker's executor, like ``Broadcast/value``).
///
/// ```swift
/// let names = sc.broadcast(["a": 1, "b": 2])
/// struct Lookup: MapFunction { var names: BroadcastHandle<[String: Int]> … try names.value()[word] … }
/// words.map(Lookup(names: names.handle))
/// ```
public struct BroadcastHandle<Value: WireCodable & Sendable>: Sendable, WireCodable {
    /// The broadcast's id in its driver's Context.
    public let id: Int

    /// The value, in a task: from this executor's cache, or fetched once from the driver.
    ///
    /// Call it from a record loop (a task thread): on a worker the first call
    /// waits for the driver's reply.
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` outside a task or for an
    ///   unpersisted broadcast; what the fetch throws (the driver is gone).
    public func value() throws -> Value {
        guard let task = TaskContext.current else {
            throw EngineError.invalidArgument(operation: "BroadcastHandle.value", reason: "called outside a task")
        }
        let any = try task.environment.broadcasts.value(of: id) { () throws -> any Sendable in
            guard let source = task.environment.broadcastSource else {
                throw EngineError.invalidArgument(operation: "BroadcastHandle.value", reason: "no broadcast source")
            }
            var reader = WireReader(try source(id))
            return try Value(from: &reader)
        }
        guard let value = any as? Value else {
            throw EngineError.invalidArgument(operation: "BroadcastHandle.value", reason: "broadcast \(id) holds \(type(of: any))")
        }
        return value
    }

    /// Writes the id.
    public func encode(to writer: inout WireWriter) { writer.write(id) }
    /// Reads the id.
    public init(from reader: inout WireReader) throws(WireError) { id = try reader.read() }

    init(id: Int) { self.id = id }
}

extension Broadcast where Value: WireCodable {
    /// This broadcast as registered functions carry it (see ``BroadcastHandle``).
    public var handle: BroadcastHandle<Value> {
        registry.publish(id: id, value: sourceValue)
        return BroadcastHandle(id: id)
    }
}

/// The encoded values of a driver's broadcasts that handles were made for.
final class BroadcastValues: Sendable {
    private let values = Mutex<[Int: @Sendable () -> [UInt8]]>([:])
    private let fetches = Atomic<Int>(0)

    func publish<Value: WireCodable & Sendable>(id: Int, value: Value) {
        values.withLock { table in
            if table[id] == nil { table[id] = { value.wireBytes() } }
        }
    }

    func forget(_ id: Int) { _ = values.withLock { $0.removeValue(forKey: id) } }

    /// The encoded value of broadcast `id`.
    ///
    /// - Throws: ``EngineError/invalidArgument(operation:reason:)`` when it is unknown or unpersisted.
    func bytes(of id: Int) throws -> [UInt8] {
        guard let encode = values.withLock({ $0[id] }) else {
            throw EngineError.invalidArgument(operation: "broadcast", reason: "no broadcast \(id) (unpersisted?)")
        }
        fetches.add(1, ordering: .relaxed)
        return encode()
    }

    /// Values served so far (to workers, and to the driver's own tasks).
    var fetchCount: Int { fetches.load(ordering: .relaxed) }
}

/// Waits on the calling (task) thread for an async call; task threads are the
/// engine's own, not the concurrency pool's, so blocking one is safe.
enum BlockingCall {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
