/// An RDD over an array held by the driver, cut into slices: `parallelize`.
final class ParallelCollectionRDD<Element: Sendable>: RDD<Element>, @unchecked Sendable {
    let slices: [[Element]]

    init(context: Context, elements: [Element], partitions: Int) {
        let count = Swift.max(1, partitions)
        var slices: [[Element]] = []
        slices.reserveCapacity(count)
        for i in 0..<count {
            let start = i * elements.count / count, end = (i + 1) * elements.count / count
            slices.append(Array(elements[start..<end]))
        }
        self.slices = slices
        super.init(context: context, partitionCount: count, dependencies: [], operatorName: "parallelize")
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Element> {
        Records(slices[split])
    }
}

/// The integers of a range, cut into partitions, computed in the task (not held by the driver).
final class RangeRDD: RDD<Int>, @unchecked Sendable {
    private let range: Range<Int>
    private let step: Int

    init(context: Context, range: Range<Int>, step: Int, partitions: Int) {
        self.range = range
        self.step = Swift.max(1, step)
        super.init(context: context, partitionCount: Swift.max(1, partitions), dependencies: [], operatorName: "range")
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Int> {
        let total = range.isEmpty ? 0 : (range.count + step - 1) / step
        let first = split * total / partitionCount, end = (split + 1) * total / partitionCount
        var index = first
        let lower = range.lowerBound, step = step, cancellation = task.cancellation
        return Records(pull: {
            guard index < end else { return nil }
            if index & 4095 == 0, cancellation.isSet { throw CancellationError() }
            defer { index += 1 }
            return lower + index * step
        }, drain: { body in
            while index < end {
                if index & 4095 == 0, cancellation.isSet { throw CancellationError() }
                index += 1
                try body(lower + (index - 1) * step)
            }
        })
    }
}
