extension Context {
    /// An RDD of the elements of a collection held by the driver, cut into
    /// `numPartitions` slices (default: the default parallelism).
    public func parallelize<C: Collection>(_ elements: C, numPartitions: Int? = nil) -> RDD<C.Element> where C.Element: Sendable {
        let partitions = numPartitions ?? config.defaultParallelism
        return recording("parallelize", types: [C.Element.self], arguments: WireWriter.bytes { $0.write(partitions) }, parents: []) {
            ParallelCollectionRDD(context: self, elements: Array(elements), partitions: partitions)
        }
    }

    /// ``parallelize(_:numPartitions:)`` for key-value pairs whose keys and
    /// values are ``WireCodable``: such an RDD can also be shipped to a cluster.
    public func parallelize<C: Collection, K: WireCodable & Sendable, V: WireCodable & Sendable>(
        _ elements: C, numPartitions: Int? = nil
    ) -> RDD<(K, V)> where C.Element == (K, V) {
        let partitions = numPartitions ?? config.defaultParallelism
        return recording("parallelize", types: [K.self, V.self], arguments: WireWriter.bytes { $0.write(partitions) }, parents: []) {
            let rdd = ParallelCollectionRDD(context: self, elements: Array(elements), partitions: partitions)
            rdd.setCodec(.pair(K.self, V.self))
            return rdd
        }
    }

    /// The integers `start, start + step, …` below `end`, computed in the tasks.
    public func range(_ start: Int, _ end: Int, step: Int = 1, numPartitions: Int? = nil) -> RDD<Int> {
        let partitions = numPartitions ?? config.defaultParallelism
        return recording("range", arguments: WireWriter.bytes { $0.write(start); $0.write(end); $0.write(step); $0.write(partitions) },
                         parents: []) {
            RangeRDD(context: self, range: start..<max(start, end), step: step, partitions: partitions)
        }
    }

    /// An RDD with no partitions and no elements.
    public func emptyRDD<T: Sendable>(of _: T.Type = T.self) -> RDD<T> {
        parallelize([T](), numPartitions: 1)
    }

    /// ``emptyRDD(of:)`` for key-value pairs whose keys and values are
    /// ``WireCodable``: such an RDD can also be shipped to a cluster.
    public func emptyRDD<K: WireCodable & Sendable, V: WireCodable & Sendable>(of _: (K, V).Type) -> RDD<(K, V)> {
        parallelize([(K, V)](), numPartitions: 1)
    }
}
