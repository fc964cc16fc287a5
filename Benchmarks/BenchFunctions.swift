import AtomicRDD

/// The registered functions of the benchmark executable: the standard ones and
/// those of the cluster workloads. Its worker processes build the same registry.
enum BenchFunctions {
    /// Every function the benchmarks' cluster jobs name.
    static let registry = try! FunctionRegistry(StandardFunctions.all + [
        PiHits.self, SortSummary.self, JoinTotals.self, GeneratedLine.self, XorShiftSlice.self,
    ])

    /// The standard specializations and the shapes of the workloads' own functions.
    static let specializations: OperatorSpecializations = {
        var specializations = OperatorSpecializations.standard
        specializations.mapPartitions((Int, Int).self, [[Int]].self)
        specializations.mapPartitions((Int, (Int, String)).self, [[Int]].self)
        specializations.results([[Int]].self)
        specializations.results((Int, (Int, String)).self)
        specializations.map(Int.self, String.self)
        specializations.flatMap(Int.self, [(Int, Int)].self)
        return specializations
    }()

    /// A partition index → the pi hits of its samples (see ``PiBenchmark/hits(partition:samples:)``).
    struct PiHits: MapFunction {
        static let name = "bench.piHits"
        var samples: Int
        init(samples: Int) { self.samples = samples }
        func callAsFunction(_ partition: Int) -> Int { PiBenchmark.hits(partition: partition, samples: samples) }
        func encode(to writer: inout WireWriter) { writer.write(samples) }
        init(from reader: inout WireReader) throws(WireError) { samples = try reader.read() }
    }

    /// A sorted partition → `[count, sum of values, first key, last key, 1 if in order]`.
    struct SortSummary: PartitionFunction, ParameterlessFunction {
        static let name = "bench.sortSummary"
        init() {}
        func callAsFunction(_ index: Int, _ records: PartitionIterator<(Int, Int)>) -> [[Int]] {
            var count = 0, sum = 0, first = 0, last = 0, ordered = 1
            for (key, value) in records {
                if count == 0 { first = key } else if key < last { ordered = 0 }
                last = key
                sum &+= value
                count += 1
            }
            return [[count, sum, first, last, ordered]]
        }
    }

    /// Joined rows of a partition → `[rows, sum of values, sum of name lengths]`.
    struct JoinTotals: PartitionFunction, ParameterlessFunction {
        static let name = "bench.joinTotals"
        init() {}
        func callAsFunction(_ index: Int, _ records: PartitionIterator<(Int, (Int, String))>) -> [[Int]] {
            var rows = 0, values = 0, lengths = 0
            for (_, (value, name)) in records {
                rows += 1
                values &+= value
                lengths += name.utf8.count
            }
            return [[rows, values, lengths]]
        }
    }

    /// A line number → the line of the generated word count (see ``WordCountGeneratedBenchmark/line(_:)``).
    struct GeneratedLine: MapFunction, ParameterlessFunction {
        static let name = "bench.generatedLine"
        init() {}
        func callAsFunction(_ line: Int) -> String { WordCountGeneratedBenchmark.line(line) }
    }

    /// A slice index → its share of `count` records `(xorshift64 state mod modulus, index)`
    /// of the stream from `seed`, cut into `slices` (what ``xorshiftPairs(_:count:seed:modulus:partitions:)`` makes).
    struct XorShiftSlice: FlatMapFunction {
        static let name = "bench.xorShiftSlice"
        var seed: UInt64
        var modulus: UInt64
        var count: Int
        var slices: Int
        init(seed: UInt64, modulus: UInt64, count: Int, slices: Int) {
            self.seed = seed
            self.modulus = modulus
            self.count = count
            self.slices = slices
        }
        func callAsFunction(_ slice: Int) -> [(Int, Int)] {
            Array(XorShiftPairs(seed: seed, modulus: modulus, indices: slice * count / slices..<(slice + 1) * count / slices))
        }
        func encode(to writer: inout WireWriter) {
            writer.write(seed)
            writer.write(modulus)
            writer.write(count)
            writer.write(slices)
        }
        init(from reader: inout WireReader) throws(WireError) {
            seed = try reader.read()
            modulus = try reader.read()
            count = try reader.read()
            slices = try reader.read()
        }
    }
}
