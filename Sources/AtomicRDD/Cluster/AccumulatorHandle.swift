import AtomicTransport
import Synchronization

/// An accumulator as a registered function carries it to workers: its id and
/// kind. In a task, ``add(_:)`` adds to the task's partial value; the partial
/// travels back with the task's report and is merged into the driver's
/// ``Accumulator`` once per (stage, partition), on the first success, even
/// when the task ran twice (a retry, a speculative copy).
///
/// ```swift
/// let bad = sc.longAccumulator()
/// struct Parse: MapFunction { var badLines: AccumulatorHandle<SumAccumulator<Int>> … badLines.add(1) … }
/// lines.map(Parse(badLines: bad.handle))
/// ```
public struct AccumulatorHandle<Kind: AccumulatorKind & WireCodable>: Sendable, WireCodable where Kind.Value: WireCodable {
    /// The accumulator's id in its driver's Context.
    public let id: Int
    /// How values add up.
    public let kind: Kind

    /// Adds `input` to the running task's partial value (outside a task: nothing to add to, so ignored).
    public func add(_ input: Kind.Input) {
        guard let task = TaskContext.current else { return }
        var partial = task.accumulatorUpdates[id] as? HandlePartial<Kind>
            ?? HandlePartial(id: id, kind: kind, value: kind.zero, registry: task.environment.accumulators)
        task.accumulatorUpdates[id] = nil
        kind.add(input, to: &partial.value)
        task.accumulatorUpdates[id] = partial
    }

    /// Writes id then kind.
    public func encode(to writer: inout WireWriter) {
        writer.write(id)
        writer.write(kind)
    }

    /// Reads what `encode` wrote.
    public init(from reader: inout WireReader) throws(WireError) {
        id = try reader.read()
        kind = try reader.read()
    }

    init(id: Int, kind: Kind) {
        self.id = id
        self.kind = kind
    }
}

extension Accumulator where Kind: WireCodable, Kind.Value: WireCodable {
    /// This accumulator as registered functions carry it (see ``AccumulatorHandle``).
    public var handle: AccumulatorHandle<Kind> {
        registry?.register(self)
        return AccumulatorHandle(id: id, kind: kind)
    }
}

/// A task's partial value of a handle's accumulator.
struct HandlePartial<Kind: AccumulatorKind & WireCodable>: AccumulatorUpdate, EncodedAccumulatorSource where Kind.Value: WireCodable {
    let id: Int
    let kind: Kind
    var value: Kind.Value
    /// The driver's accumulators, when the task runs in the driver's process.
    let registry: AccumulatorRegistry?

    func apply() { registry?.merge(id: id, bytes: value.wireBytes()) }

    var encoded: (id: Int, value: [UInt8]) { (id, value.wireBytes()) }
}

/// An accumulator update that can travel from a worker as bytes.
protocol EncodedAccumulatorSource {
    var encoded: (id: Int, value: [UInt8]) { get }
}

/// The accumulators of a driver that handles were made for, by id: how to merge
/// a partial value that arrives as bytes.
final class AccumulatorRegistry: Sendable {
    private let mergers = Mutex<[Int: @Sendable ([UInt8]) throws -> Void]>([:])

    /// Makes `accumulator`'s partial values mergeable by id.
    func register<Kind: AccumulatorKind & WireCodable>(_ accumulator: Accumulator<Kind>) where Kind.Value: WireCodable {
        mergers.withLock { table in
            guard table[accumulator.id] == nil else { return }
            // Weak: the registry must not keep an accumulator alive.
            table[accumulator.id] = { [weak accumulator] bytes in
                var reader = WireReader(bytes)
                let value = try Kind.Value(from: &reader)
                accumulator?.merge(value)
            }
        }
    }

    /// Merges a partial value; unknown ids and malformed bytes are ignored
    /// (the accumulator is gone, or the worker runs other code).
    func merge(id: Int, bytes: [UInt8]) {
        guard let merge = mergers.withLock({ $0[id] }) else { return }
        try? merge(bytes)
    }

    /// An update that merges `bytes` into accumulator `id` when applied.
    func update(id: Int, bytes: [UInt8]) -> any AccumulatorUpdate { EncodedUpdate(registry: self, id: id, bytes: bytes) }

    private struct EncodedUpdate: AccumulatorUpdate {
        let registry: AccumulatorRegistry
        let id: Int
        let bytes: [UInt8]
        func apply() { registry.merge(id: id, bytes: bytes) }
    }
}

extension SumAccumulator: WireCodable where Number: WireCodable {
    /// Nothing to write: the kind has no parameters.
    public func encode(to writer: inout WireWriter) {}
    /// The kind.
    public init(from reader: inout WireReader) throws(WireError) { self.init() }
}

extension MaxAccumulator: WireCodable where Item: WireCodable {
    /// Nothing to write: the kind has no parameters.
    public func encode(to writer: inout WireWriter) {}
    /// The kind.
    public init(from reader: inout WireReader) throws(WireError) { self.init() }
}

extension CollectionAccumulator: WireCodable where Item: WireCodable {
    /// Nothing to write: the kind has no parameters.
    public func encode(to writer: inout WireWriter) {}
    /// The kind.
    public init(from reader: inout WireReader) throws(WireError) { self.init() }
}
