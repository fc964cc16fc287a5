import AtomicTransport

// Actions that run no closure of the caller's (max, sum, stats, takeOrdered…)
// or a registered function (aggregate, fold, forEach…) are computed as a
// narrow transformation leaving each partition's partial result (none, one
// or a few elements), then a `collect` or `count` of those partials, merged on
// the driver. Each transformation is recorded, so the action also runs on
// worker processes: OperatorCatalog+Actions rebuilds it there.

extension RDD {
    /// The elements `body` makes of each partition's records, computed on the
    /// task thread at the first pull; recorded as `name`.
    func partitionResults<U: Sendable>(
        _ name: String, function: FunctionDescriptor? = nil, types: [Any.Type] = [], arguments: [UInt8] = [],
        _ body: @escaping @Sendable (TaskContext, Int, inout Records<Element>) throws -> [U]
    ) -> RDD<U> {
        context.recording(name, function: function, types: types, arguments: arguments, parents: [self]) {
            MapPartitionsRDD(parent: self, operatorName: name, function: function, runsUserClosure: false) { task, split, input in
                var input = input
                var results: [U]?
                var index = 0
                return Records {
                    if results == nil { results = try body(task, split, &input) }
                    guard let values = results, index < values.count else { return nil }
                    defer { index += 1 }
                    return values[index]
                }
            }
        }
    }

    /// Each partition's elements reduced with `function` (none for an empty partition).
    func partitionReductions<F: ReduceFunction>(_ function: F) -> RDD<Element> where F.Value == Element {
        partitionResults("partitionReductions", function: function.descriptor) { _, _, records in
            try Self.reduced(&records) { try function($0, $1) }.map { [$0] } ?? []
        }
    }

    /// Each partition's elements aggregated with `function`, from its zero.
    func partitionAggregates<F: AggregateFunction>(_ function: F) -> RDD<F.Value> where F.Input == Element {
        partitionResults("partitionAggregates", function: function.descriptor) { _, _, records in
            var value = function.zero
            try records.forEach { value = try function.add(value, $0) }
            return [value]
        }
    }

    /// Each partition's `n` least elements by `function` (greatest with `reversed`), in order.
    func partitionOrdered<F: OrderingFunction>(_ n: Int, by function: F, reversed: Bool) -> RDD<Element> where F.Input == Element {
        partitionResults("partitionOrdered", function: function.descriptor,
                         arguments: WireWriter.bytes { $0.write(n); $0.write(reversed) }) { _, _, records in
            try Self.least(n, of: &records) { reversed ? function($1, $0) : function($0, $1) }
        }
    }

    /// Calls `function` with every element; leaves nothing.
    func forEachElement<F: ForEachFunction>(_ function: F) -> RDD<Int> where F.Input == Element {
        partitionResults("forEach", function: function.descriptor) { _, _, records in
            try records.forEach { try function($0) }
            return []
        }
    }

    /// Calls `function` with each partition's index and records; leaves nothing.
    func forEachPartitionRecords<F: PartitionForEachFunction>(_ function: F) -> RDD<Int> where F.Input == Element {
        partitionResults("forEachPartition", function: function.descriptor) { _, split, records in
            let iterator = PartitionIterator(records)
            try function(split, iterator)
            try iterator.rethrowFailure()
            return []
        }
    }

    /// Writes each partition as the text lines of one part file of an
    /// ``OutputCommitter``'s `temporary` folder (as `saveAsTextFile` does in
    /// local mode); leaves nothing.
    func textParts(into temporary: String) -> RDD<Int> {
        partitionResults("textParts", types: [Element.self], arguments: WireWriter.bytes { $0.write(temporary) }) {
            task, split, records in
            let writer = try OutputCommitter.partWriter(in: temporary, partition: split, attemptId: task.taskAttemptId)
            var records = records
            try writer.writeAll(&records, task: task)
            return []
        }
    }

    /// The records combined with `combine`, in order; nil when there are none.
    static func reduced(_ records: inout Records<Element>, _ combine: (Element, Element) throws -> Element) throws -> Element? {
        guard var result = try records.next() else { return nil }
        try records.forEach { result = try combine(result, $0) }
        return result
    }

    /// The `n` least of `records` by `areInIncreasingOrder`, in order, keeping at most 2n at a time.
    static func least(_ n: Int, of records: inout Records<Element>,
                      by areInIncreasingOrder: (Element, Element) throws -> Bool) throws -> [Element] {
        guard n > 0 else { return [] }
        var kept: [Element] = []
        while let element = try records.next() {
            kept.append(element)
            if kept.count >= 2 * n {
                try kept.sort(by: areInIncreasingOrder)
                kept.removeLast(kept.count - n)
            }
        }
        try kept.sort(by: areInIncreasingOrder)
        return Array(kept.prefix(n))
    }
}

extension RDD where Element: Comparable {
    /// Each partition's least element, or greatest with `greatest` (none for an empty partition).
    func partitionExtremes(greatest: Bool) -> RDD<Element> {
        partitionResults("partitionExtremes", types: [Element.self], arguments: WireWriter.bytes { $0.write(greatest) }) {
            _, _, records in
            guard var best = try records.next() else { return [] }
            try records.forEach { next in
                if greatest ? next > best : next < best { best = next }
            }
            return [best]
        }
    }

    /// Each partition's `n` least elements (greatest with `reversed`), in order.
    func partitionLeast(_ n: Int, reversed: Bool) -> RDD<Element> {
        partitionResults("partitionLeast", types: [Element.self], arguments: WireWriter.bytes { $0.write(n); $0.write(reversed) }) {
            _, _, records in
            try Self.least(n, of: &records) { reversed ? $1 < $0 : $0 < $1 }
        }
    }
}

extension RDD where Element: ShuffleKey {
    /// Each distinct element with the number of times it occurs, counted with a shuffle.
    func valueCounts() -> RDD<(Element, Int)> {
        context.recording("countByValue", types: [Element.self], parents: [self]) {
            map { ($0, 1) }.reduceByKey { $0 &+ $1 }
        }
    }
}

extension RDD where Element: NumericElement {
    /// Each partition's statistics.
    func partitionStats() -> RDD<StatCounter> {
        partitionResults("partitionStats", types: [Element.self]) { _, _, records in
            var counter = StatCounter()
            try records.forEach { counter.add($0.doubleValue) }
            return [counter]
        }
    }

    /// Each partition's counts in the buckets between consecutive `boundaries`
    /// (checked by the caller: at least two, strictly increasing).
    func partitionHistograms(_ boundaries: [Double]) -> RDD<[Int]> {
        let buckets = boundaries.count - 1
        return partitionResults("partitionHistograms", types: [Element.self], arguments: WireWriter.bytes { $0.write(boundaries) }) {
            _, _, records in
            var counts = Array(repeating: 0, count: buckets)
            while let element = try records.next() {
                let value = element.doubleValue
                guard value >= boundaries[0], value <= boundaries[buckets] else { continue }
                var low = 0, high = buckets
                while high - low > 1 {
                    let mid = (low + high) / 2
                    if value >= boundaries[mid] { low = mid } else { high = mid }
                }
                counts[low] += 1
            }
            return [counts]
        }
    }
}

extension RDD where Element: NumericElement & AdditiveArithmetic {
    /// Each partition's sum.
    func partitionSums() -> RDD<Element> {
        partitionResults("partitionSums", types: [Element.self]) { _, _, records in
            var total = Element.zero
            try records.forEach { total += $0 }
            return [total]
        }
    }
}

extension RDD where Element: WireCodable {
    /// Partial values merged in rounds of shuffles, as ``treeAggregate(_:_:_:depth:)``
    /// does after its first pass: each round cuts their number by a factor.
    func treeMerged(depth: Int, function: FunctionDescriptor, _ merge: @escaping @Sendable (Element, Element) throws -> Element) -> RDD<Element> {
        var partials = self
        var count = partitionCount
        let scale = Swift.max(2, Int((Double(count).squareRoot() + 0.5).rounded(.up)))
        var level = 1
        while count > scale + count / scale, level < depth {
            count /= scale
            partials = partials.treeLevel(Swift.max(1, count), function: function, merge)
            level += 1
        }
        return partials
    }

    /// One round of ``treeMerged(depth:function:_:)``: the elements merged into `target` partitions.
    func treeLevel(_ target: Int, function: FunctionDescriptor, _ merge: @escaping @Sendable (Element, Element) throws -> Element) -> RDD<Element> {
        context.recording("treeLevel", function: function, types: [Element.self], arguments: WireWriter.bytes { $0.write(target) },
                          parents: [self]) {
            mapPartitionsWithIndex(preservesPartitioning: false, name: "treeAggregate") { index, records in
                records.map { (index % target, $0) }
            }.reduceByKey(numPartitions: target, merge).map { $0.1 }
        }
    }
}
