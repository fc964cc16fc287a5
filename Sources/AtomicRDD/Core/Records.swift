/// A pull-based stream of one partition's records, consumed once by one thread.
///
/// Every narrow operator of a stage wraps its parent's `Records` in another, so a
/// stage runs as one fused pass per partition with no intermediate array per
/// operator. `next()` may throw: a read error, a user function's error or the
/// job's cancellation ends the pass.
///
/// ```swift
/// var records = Records([1, 2, 3])
/// while let value = try records.next() { print(value) }
/// ```
public struct Records<Element> {
    @usableFromInline let pull: () throws -> Element?
    // The source's own loop over the remaining records, when it has one: it
    // hands each record to its argument, with its position in registers rather
    // than saved and reloaded around every pull. It shares the pull's state, so
    // records pulled first are not handed out again.
    @usableFromInline let drain: ((_ body: (Element) throws -> Void) throws -> Void)?
    // The source's loop over the remaining records in chunks of at most
    // `chunkCapacity`, when it has one (see ``forEachChunk(_:)``); it shares the
    // pull's state too.
    @usableFromInline let chunks: ((_ body: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws -> Void)?
    // How many records the source holds when it knows (an array, a merge of
    // arrays), else 0: what `collect()` reserves room for.
    @usableFromInline let expectedCount: Int

    /// Wraps a function that returns the next record, or nil at the end.
    @inlinable
    public init(_ pull: @escaping () throws -> Element?) {
        self.pull = pull
        drain = nil
        chunks = nil
        expectedCount = 0
    }

    /// The most records a chunk holds (see ``forEachChunk(_:)``): a few
    /// kilobytes of small records, which stay in the L1 cache between the
    /// loop that writes them and the one that reads them.
    static var chunkCapacity: Int { 256 }

    /// Records with a pull for one record at a time and a loop of their own
    /// for the rest (see ``forEach(_:)``); both read the same position.
    /// `expectedCount` is how many records there are, when known.
    /// `chunks`, when given, hands the same records out in chunks (see
    /// ``forEachChunk(_:)``).
    init(pull: @escaping () throws -> Element?, drain: @escaping (_ body: (Element) throws -> Void) throws -> Void,
         chunks: ((_ body: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws -> Void)? = nil, expectedCount: Int = 0) {
        self.pull = pull
        self.drain = drain
        self.chunks = chunks
        self.expectedCount = expectedCount
    }

    /// These records with `transform` applied to each, in order; a loop of their
    /// own when these have one.
    ///
    /// - Throws: what `transform` throws, as the records are read.
    func mapped<T>(_ transform: @escaping (Element) throws -> T) -> Records<T> {
        var input = self
        let pull: () throws -> T? = {
            guard let element = try input.next() else { return nil }
            return try transform(element)
        }
        guard let drain else { return Records<T>(pull) }
        let mappedChunks: ((_ body: (UnsafeMutableBufferPointer<T>) throws -> Void) throws -> Void)? = chunks.map { chunks in
            { body in try Self.map(chunks, transform, into: body) }
        }
        return Records<T>(pull: pull, drain: { body in try drain { try body(try transform($0)) } },
                          chunks: mappedChunks, expectedCount: expectedCount)
    }

    /// Each chunk of `chunks` transformed into a chunk of its own, handed to `body`.
    private static func map<T>(_ chunks: @escaping (_ body: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws -> Void,
                               _ transform: (Element) throws -> T,
                               into body: (UnsafeMutableBufferPointer<T>) throws -> Void) throws {
        let output = UnsafeMutablePointer<T>.allocate(capacity: chunkCapacity)
        defer { output.deallocate() }
        try chunks { input in
            let count = input.count
            precondition(count <= chunkCapacity, "Internal inconsistency: a chunk of \(count) records")
            guard let records = input.baseAddress else { return }
            // Taken one by one; if `transform` throws, the records not taken yet
            // and those transformed are released here.
            var taken = 0, made = 0, handedOver = false
            defer {
                if !handedOver {
                    (records + taken).deinitialize(count: count - taken)
                    output.deinitialize(count: made)
                }
            }
            while taken < count {
                let record = (records + taken).move()
                taken &+= 1
                (output + made).initialize(to: try transform(record))
                made &+= 1
            }
            handedOver = true
            try body(UnsafeMutableBufferPointer(start: output, count: count))
        }
    }

    /// Moves each record of `chunk` out to `body`, in order; when `body` throws,
    /// the records it has not reached are released: how a consumer of
    /// ``forEachChunk(_:)`` takes a chunk.
    @inline(__always)
    static func take(_ chunk: UnsafeMutableBufferPointer<Element>, _ body: (Element) throws -> Void) rethrows {
        guard let base = chunk.baseAddress else { return }
        var index = 0
        defer { if index < chunk.count { (base + index).deinitialize(count: chunk.count - index) } }
        while index < chunk.count {
            let record = (base + index).move()
            index &+= 1
            try body(record)
        }
    }

    /// True when the source hands its records out in chunks (``forEachChunk(_:)``).
    var hasChunks: Bool { chunks != nil }

    /// Calls `body` with the remaining records in chunks of at most
    /// ``chunkCapacity``, in order, when the source has such a loop (see
    /// ``hasChunks``); otherwise one record at a time, in chunks of one.
    ///
    /// `body` takes a chunk's records: it moves every one of them out (or
    /// deinitializes them), also those it has not reached when it throws. A
    /// loop over a chunk calls no function per record to get it, where
    /// ``forEach(_:)`` calls one per record and per operator on the way.
    mutating func forEachChunk(_ body: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws {
        if let chunks { return try chunks(body) }
        let one = UnsafeMutablePointer<Element>.allocate(capacity: 1)
        defer { one.deallocate() }
        try forEach { record in
            one.initialize(to: record)
            try body(UnsafeMutableBufferPointer(start: one, count: 1))
        }
    }

    /// The records for which `isIncluded` is true, in order; a loop of their
    /// own when these have one.
    ///
    /// - Throws: what `isIncluded` throws, as the records are read.
    func filtered(_ isIncluded: @escaping (Element) throws -> Bool) -> Records {
        var input = self
        let pull: () throws -> Element? = {
            while let element = try input.next() {
                if try isIncluded(element) { return element }
            }
            return nil
        }
        guard let drain else { return Records(pull) }
        return Records(pull: pull, drain: { body in try drain { if try isIncluded($0) { try body($0) } } })
    }

    /// Records of an array, in order.
    public init(_ array: [Element]) {
        var index = 0
        self.pull = {
            guard index < array.count else { return nil }
            defer { index += 1 }
            return array[index]
        }
        drain = { body in
            while index < array.count {
                index += 1
                try body(array[index - 1])
            }
        }
        chunks = nil
        expectedCount = array.count
    }

    /// Records of any sequence, in order.
    public init<S: Sequence>(sequence: S) where S.Element == Element {
        var iterator = sequence.makeIterator()
        self.pull = { iterator.next() }
        drain = nil
        chunks = nil
        expectedCount = 0
    }

    /// No records.
    public static var empty: Records { Records { nil } }

    /// The next record, or nil when the partition is exhausted.
    @inlinable
    public mutating func next() throws -> Element? { try pull() }

    /// Reads every remaining record into an array.
    public mutating func collect() throws -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(expectedCount)
        try forEach { result.append($0) }
        return result
    }

    /// Calls `body` with every remaining record, in the source's own loop when it has one.
    @inlinable
    public mutating func forEach(_ body: (Element) throws -> Void) throws {
        if let drain { return try drain(body) }
        while let element = try pull() { try body(element) }
    }

    /// The number of remaining records, consuming them.
    public mutating func count() throws -> Int {
        var n = 0
        try forEach { _ in n += 1 }
        return n
    }
}

/// The records of a partition handed to a user's `mapPartitions` function as a
/// plain `Sequence`.
///
/// `IteratorProtocol.next()` cannot throw, so an upstream error ends the
/// sequence early and is kept in ``failure``; the engine rethrows it once the
/// user's function is done, so it is never lost.
public final class PartitionIterator<Element>: IteratorProtocol, Sequence {
    private var records: Records<Element>
    /// The error that ended the records early, if any.
    public private(set) var failure: (any Error)?

    init(_ records: Records<Element>) { self.records = records }

    /// The next record, or nil at the end or after an upstream error.
    public func next() -> Element? {
        guard failure == nil else { return nil }
        do { return try records.next() } catch {
            failure = error
            return nil
        }
    }

    /// Rethrows the upstream error, if one ended the records.
    func rethrowFailure() throws { if let failure { throw failure } }
}

/// Moves a value to another thread that takes sole ownership of it.
///
/// `@unchecked Sendable`: used only to hand a partition's `Records` from the task
/// that built them to the task thread that drains them; the sender never
/// touches the value again.
struct Handoff<Value>: @unchecked Sendable {
    var value: Value
}
