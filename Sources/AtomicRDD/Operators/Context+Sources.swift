extension Context {
    /// An RDD of the elements of a collection held by the driver, cut into
    /// `numPartitions` slices (default: the default parallelism).
    public func parallelize<C: Collection>(_ elements: C, numPartitions: Int? = nil) -> RDD<C.Element> where C.Element: Sendable {
        ParallelCollectionRDD(context: self, elements: Array(elements),
                              partitions: numPartitions ?? config.defaultParallelism)
    }

    /// The integers `start, start + step, …` below `end`, computed in the tasks.
    public func range(_ start: Int, _ end: Int, step: Int = 1, numPartitions: Int? = nil) -> RDD<Int> {
        RangeRDD(context: self, range: start..<max(start, end), step: step,
                 partitions: numPartitions ?? config.defaultParallelism)
    }

    /// An RDD with no partitions and no elements.
    public func emptyRDD<T: Sendable>(of _: T.Type = T.self) -> RDD<T> {
        ParallelCollectionRDD<T>(context: self, elements: [], partitions: 1)
    }
}
