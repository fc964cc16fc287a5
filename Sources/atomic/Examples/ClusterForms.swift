import AtomicRDD

// The examples that also run on a multi-process cluster (`--local-cluster N`,
// `--workers …`): the same jobs written with registered functions, which is
// what workers can rebuild. Closures never leave the driver.

extension PiExample {
    /// ``estimate(_:samples:partitions:)`` with a registered function.
    static func estimateOnCluster(_ sc: Context, samples: Int, partitions: Int) async throws -> Result {
        let inside = try await sc.range(0, partitions, numPartitions: partitions)
            .map(ClusterFunctions.PiInside(samples: samples, partitions: partitions))
            .reduce(ClusterFunctions.Sum())
        return Result(samples: samples, inside: inside)
    }
}

extension WordCountExample {
    /// ``count(_:path:top:partitions:)`` with the standard registered functions;
    /// the counts come back to the driver, which ranks them.
    static func countOnCluster(_ sc: Context, path: String, top k: Int, partitions: Int?) async throws -> Result {
        let counts = try await sc.textFile(path, minPartitions: partitions).words().map(StandardFunctions.WithOne())
            .reduceByKey(StandardFunctions.SumInts()).collect()
        let top = counts.sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }.prefix(k)
        return Result(top: top.map { WordCount(word: $0.0.description, count: $0.1) },
                      distinctWords: counts.count, totalWords: counts.reduce(0) { $0 + $1.1 })
    }
}

extension ClusterFunctions {
    /// A partition index → how many of its share of `samples` points fall inside
    /// the quarter circle (see ``PiExample/insideCount(samples:seed:)``).
    struct PiInside: MapFunction {
        static let name = "atomic.piInside"
        var samples: Int
        var partitions: Int
        init(samples: Int, partitions: Int) {
            self.samples = samples
            self.partitions = max(1, partitions)
        }
        func callAsFunction(_ partition: Int) -> Int {
            let share = samples / partitions + (partition < samples % partitions ? 1 : 0)
            return PiExample.insideCount(samples: share, seed: UInt64(partition))
        }
        func encode(to writer: inout WireWriter) { writer.write(samples); writer.write(partitions) }
        init(from reader: inout WireReader) throws(WireError) {
            samples = try reader.read()
            partitions = max(1, try reader.read())
        }
    }
}

extension Config {
    /// "local mode" or "a local cluster of N workers", for the examples' first line.
    var modeDescription: String {
        switch deployment {
        case .local: "local mode"
        case let .localCluster(workers, _, _): "a local cluster of \(workers) workers"
        case let .cluster(_, workers): "a cluster of \(workers) workers"
        case let .inProcessCluster(workers, _, _): "an in-process cluster of \(workers) workers"
        }
    }
}
