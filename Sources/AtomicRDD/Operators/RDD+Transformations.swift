extension RDD {
    /// Applies `transform` to every element.
    public func map<U: Sendable>(_ transform: @escaping @Sendable (Element) throws -> U) -> RDD<U> {
        MapPartitionsRDD(parent: self, operatorName: "map", runsUserClosure: true) { _, _, input in
            input.mapped(transform)
        }
    }

    /// Applies `transform` to every element and flattens the sequences it returns.
    public func flatMap<S: Sequence>(_ transform: @escaping @Sendable (Element) throws -> S) -> RDD<S.Element> where S.Element: Sendable, S: SendableMetatype, S.Iterator: SendableMetatype {
        MapPartitionsRDD(parent: self, operatorName: "flatMap", runsUserClosure: true) { _, _, input in
            var input = input
            var current: S.Iterator?
            let pull: () throws -> S.Element? = {
                while true {
                    if let element = current?.next() { return element }
                    guard let next = try input.next() else { return nil }
                    current = try transform(next).makeIterator()
                }
            }
            guard input.drain != nil else { return Records(pull) }
            return Records(pull: pull, drain: { body in
                while let element = current?.next() { try body(element) }
                current = nil
                try input.forEach { next in
                    var elements = try transform(next).makeIterator()
                    do {
                        while let element = elements.next() { try body(element) }
                    } catch {
                        // The rest of this sequence stays for a later pull.
                        current = elements
                        throw error
                    }
                }
            })
        }
    }

    /// Keeps the elements for which `isIncluded` is true.
    public func filter(_ isIncluded: @escaping @Sendable (Element) throws -> Bool) -> RDD<Element> {
        MapPartitionsRDD(parent: self, operatorName: "filter", runsUserClosure: true, preservesPartitioning: true) { _, _, input in
            input.filtered(isIncluded)
        }
    }

    /// Transforms each partition as a whole: `transform` gets the partition's
    /// records as a sequence and returns a sequence, consumed lazily.
    public func mapPartitions<S: Sequence>(preservesPartitioning: Bool = false,
                                           _ transform: @escaping @Sendable (PartitionIterator<Element>) throws -> S) -> RDD<S.Element> where S.Element: Sendable, S: SendableMetatype, S.Iterator: SendableMetatype {
        mapPartitionsWithIndex(preservesPartitioning: preservesPartitioning, name: "mapPartitions") { _, records in try transform(records) }
    }

    /// Like ``mapPartitions(preservesPartitioning:_:)``, also giving the partition's index.
    public func mapPartitionsWithIndex<S: Sequence>(preservesPartitioning: Bool = false,
                                                    _ transform: @escaping @Sendable (Int, PartitionIterator<Element>) throws -> S) -> RDD<S.Element> where S.Element: Sendable, S: SendableMetatype, S.Iterator: SendableMetatype {
        mapPartitionsWithIndex(preservesPartitioning: preservesPartitioning, name: "mapPartitionsWithIndex", transform)
    }

    func mapPartitionsWithIndex<S: Sequence>(preservesPartitioning: Bool, name: String,
                                             _ transform: @escaping @Sendable (Int, PartitionIterator<Element>) throws -> S) -> RDD<S.Element> where S.Element: Sendable, S: SendableMetatype, S.Iterator: SendableMetatype {
        MapPartitionsRDD(parent: self, operatorName: name, runsUserClosure: true,
                         preservesPartitioning: preservesPartitioning) { _, split, input in
            let records = PartitionIterator(input)
            var output = try transform(split, records).makeIterator()
            return Records {
                if let element = output.next() { return element }
                try records.rethrowFailure()
                return nil
            }
        }
    }

    /// The elements of each partition as one array.
    public func glom() -> RDD<[Element]> {
        context.recording("glom", parents: [self]) {
            let arrays: RDD<[Element]> = MapPartitionsRDD(parent: self, operatorName: "glom", runsUserClosure: false) { _, _, input in
                var input = input
                var done = false
                return Records {
                    guard !done else { return nil }
                    done = true
                    return try input.collect()
                }
            }
            // Arrays of pairs are not WireCodable themselves: they travel with the elements' codec.
            if let codec = codec.withLock({ $0 }) { arrays.setCodec(.arrays(of: codec)) }
            return arrays
        }
    }

    /// The first `count` elements of each partition (what `take` asks each task for).
    func prefixes(_ count: Int) -> RDD<Element> {
        context.recording("prefixes", types: [Element.self], arguments: WireWriter.bytes { $0.write(count) }, parents: [self]) {
            let limited: RDD<Element> = MapPartitionsRDD(parent: self, operatorName: "prefixes", runsUserClosure: false,
                                                         preservesPartitioning: true) { _, _, input in
                var input = input
                var left = count
                return Records {
                    guard left > 0, let element = try input.next() else { return nil }
                    left -= 1
                    return element
                }
            }
            if let codec = codec.withLock({ $0 }) { limited.setCodec(codec) }
            return limited
        }
    }

    /// Pairs each element with a key computed from it.
    public func keyBy<K: Sendable>(_ key: @escaping @Sendable (Element) throws -> K) -> RDD<(K, Element)> {
        MapPartitionsRDD(parent: self, operatorName: "keyBy", runsUserClosure: true) { _, _, input in
            input.mapped { (try key($0), $0) }
        }
    }
}

// MARK: - Registered functions

extension RDD {
    /// ``map(_:)`` with a registered function, so the job can run on a cluster.
    public func map<F: MapFunction>(_ function: F) -> RDD<F.Output> where F.Input == Element {
        context.recording("map", function: function.descriptor, parents: [self]) { map { try function($0) }.registered(function) }
    }

    /// ``flatMap(_:)`` with a registered function.
    public func flatMap<F: FlatMapFunction>(_ function: F) -> RDD<F.Output.Element> where F.Input == Element {
        context.recording("flatMap", function: function.descriptor, parents: [self]) {
            flatMap { try function($0) }.registered(function)
        }
    }

    /// ``filter(_:)`` with a registered function.
    public func filter<F: FilterFunction>(_ function: F) -> RDD<Element> where F.Input == Element {
        context.recording("filter", function: function.descriptor, parents: [self]) {
            filter { try function($0) }.registered(function)
        }
    }

    /// ``mapPartitionsWithIndex(preservesPartitioning:_:)`` with a registered function.
    public func mapPartitions<F: PartitionFunction>(preservesPartitioning: Bool = false, _ function: F) -> RDD<F.Output.Element> where F.Input == Element {
        context.recording("mapPartitions", function: function.descriptor,
                          arguments: WireWriter.bytes { $0.write(preservesPartitioning) }, parents: [self]) {
            mapPartitionsWithIndex(preservesPartitioning: preservesPartitioning, name: "mapPartitions") { try function($0, $1) }
                .registered(function)
        }
    }

    /// ``keyBy(_:)`` with a registered function.
    public func keyBy<F: MapFunction>(_ function: F) -> RDD<(F.Output, Element)> where F.Input == Element {
        context.recording("keyBy", function: function.descriptor, parents: [self]) { keyBy { try function($0) }.registered(function) }
    }
}
