extension RDD {
    /// The elements as an async sequence that runs one job per partition as it
    /// is consumed, so the driver holds one partition at a time (Spark's
    /// `toLocalIterator`).
    ///
    /// ```swift
    /// for try await line in rdd.toLocalIterator() { print(line) }
    /// ```
    public func toLocalIterator() -> LocalIterator<Element> { LocalIterator(rdd: self) }
}

/// The elements of an RDD, fetched one partition at a time.
public struct LocalIterator<Element: Sendable>: AsyncSequence, Sendable {
    let rdd: RDD<Element>

    /// Iterates the partitions in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let rdd: RDD<Element>
        var partition = 0
        var buffer: [Element] = []
        var index = 0

        /// The next element, running the next partition's job when needed.
        public mutating func next() async throws -> Element? {
            while index >= buffer.count {
                guard partition < rdd.partitionCount else { return nil }
                buffer = try await rdd.context.runJob(rdd, partitions: [partition], remote: RemoteResult<[Element]>.collect(rdd)) {
                    _, records in try records.collect()
                }[0]
                index = 0
                partition += 1
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    /// An iterator from the first partition.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rdd: rdd) }
}
