/// Registered functions every application may use, so that common jobs (word
/// count, sums, binary pairs, `key,value` lines) run on a multi-process cluster
/// without writing any: register ``all`` (with the application's own).
///
/// ```swift
/// let config = Config.localCluster(workers: 2).registering(try FunctionRegistry(StandardFunctions.all))
/// let counts = try sc.textFile(path).flatMap(StandardFunctions.Words())
///     .map(StandardFunctions.WithOne()).reduceByKey(StandardFunctions.SumInts())
/// ```
public enum StandardFunctions {
    /// Every standard function type.
    public static let all: [any RegisteredFunction.Type] = [Words.self, WithOne.self, SumInts.self, Int64Pair.self, KeyedLine.self]

    /// A line's words (split on ASCII whitespace), as ``Word``s.
    public struct Words: FlatMapFunction, ParameterlessFunction {
        /// "atomic.words".
        public static let name = "atomic.words"
        /// A function value.
        public init() {}
        /// The words of `line`.
        public func callAsFunction(_ line: String) -> [Word] { line.words }
    }

    /// `word` → `(word, 1)`.
    public struct WithOne: MapFunction, ParameterlessFunction {
        /// "atomic.withOne".
        public static let name = "atomic.withOne"
        /// A function value.
        public init() {}
        /// The pair of `word` and 1.
        public func callAsFunction(_ word: Word) -> (Word, Int) { (word, 1) }
    }

    /// Adds integers (wrapping on overflow).
    public struct SumInts: ReduceFunction, ParameterlessFunction {
        /// "atomic.sumInts".
        public static let name = "atomic.sumInts"
        /// A function value.
        public init() {}
        /// `a + b`.
        public func callAsFunction(_ a: Int, _ b: Int) -> Int { a &+ b }
    }

    /// A 16-byte record of two little-endian Int64, key then value.
    public struct Int64Pair: RecordDecodeFunction, ParameterlessFunction {
        /// "atomic.int64Pair".
        public static let name = "atomic.int64Pair"
        /// 16 bytes.
        public static let recordLength = 16
        /// A function value.
        public init() {}
        /// The key and value.
        public func callAsFunction(_ bytes: UnsafeRawBufferPointer) -> (Int, Int) {
            (Int(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))),
             Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))))
        }
    }

    /// A `key,text` line → `(key, text)`; a line without an integer key before a comma is an error.
    public struct KeyedLine: MapFunction, ParameterlessFunction {
        /// "atomic.keyedLine".
        public static let name = "atomic.keyedLine"
        /// A function value.
        public init() {}
        /// The key and the text after the first comma.
        public func callAsFunction(_ line: String) throws -> (Int, String) {
            guard let comma = line.utf8.firstIndex(of: UInt8(ascii: ",")), let key = Int(line[..<comma]) else {
                throw EngineError.invalidArgument(operation: "keyedLine", reason: "no `key,text` in \"\(line.prefix(80))\"")
            }
            return (key, String(line[line.index(after: comma)...]))
        }
    }
}
