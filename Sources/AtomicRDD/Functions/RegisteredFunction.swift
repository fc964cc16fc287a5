import AtomicTransport

/// A function given as data instead of as a closure: a small wire-codable
/// struct with a stable name, whose stored properties are its parameters.
/// Registered functions run anywhere: the lineage names them, and a worker
/// rebuilds them from the ``FunctionRegistry`` (closures run in-process only).
///
/// ```swift
/// struct Tokenize: FlatMapFunction {
///     static let name = "Tokenize"
///     var separator: UInt8 = 0x20
///     func callAsFunction(_ line: String) -> [String] { ... }
///     // WireCodable: encode/decode `separator`
/// }
/// let words = lines.flatMap(Tokenize())
/// ```
public protocol RegisteredFunction: WireCodable, Sendable {
    /// The stable name the registry knows the function by; the same in every
    /// process built from the same code.
    static var name: String { get }
}

extension RegisteredFunction {
    /// The function as data: name and encoded parameters.
    public var descriptor: FunctionDescriptor { FunctionDescriptor(name: Self.name, parameters: wireBytes()) }
}

/// A function from one element to one element: `map`, `keyBy`, `mapValues`, `sortBy`, `groupBy`.
public protocol MapFunction<Input, Output>: RegisteredFunction {
    /// The argument type.
    associatedtype Input: Sendable
    /// The result type.
    associatedtype Output: Sendable
    /// Applies the function.
    func callAsFunction(_ input: Input) throws -> Output
}

/// A function from one element to a sequence of elements: `flatMap`, `flatMapValues`.
public protocol FlatMapFunction<Input, Output>: RegisteredFunction {
    /// The argument type.
    associatedtype Input: Sendable
    /// The sequence returned.
    associatedtype Output: Sequence, SendableMetatype where Output.Element: Sendable, Output.Iterator: SendableMetatype
    /// Applies the function.
    func callAsFunction(_ input: Input) throws -> Output
}

/// A predicate: `filter`.
public protocol FilterFunction<Input>: RegisteredFunction {
    /// The argument type.
    associatedtype Input: Sendable
    /// True to keep the element.
    func callAsFunction(_ input: Input) throws -> Bool
}

/// An associative function of two values: `reduce`, `reduceByKey`, `fold`, `treeReduce`.
public protocol ReduceFunction<Value>: RegisteredFunction {
    /// The values combined.
    associatedtype Value: Sendable
    /// Combines two values.
    func callAsFunction(_ a: Value, _ b: Value) throws -> Value
}

extension ReduceFunction {
    /// This function as a `@Sendable (Value, Value) throws -> Value` closure,
    /// type-erased: what a worker rebuilding an operator casts to the value
    /// type it learned at run time.
    var erasedClosure: Any { { @Sendable (a: Value, b: Value) throws -> Value in try self(a, b) } }
}

/// A function over a whole partition: `mapPartitions`, `mapPartitionsWithIndex`.
public protocol PartitionFunction<Input, Output>: RegisteredFunction {
    /// The partition's element type.
    associatedtype Input: Sendable
    /// The sequence returned.
    associatedtype Output: Sequence, SendableMetatype where Output.Element: Sendable, Output.Iterator: SendableMetatype
    /// Transforms the records of partition `index`.
    func callAsFunction(_ index: Int, _ records: PartitionIterator<Input>) throws -> Output
}

/// A function called for its effect on each element: `forEach`.
public protocol ForEachFunction<Input>: RegisteredFunction {
    /// The argument type.
    associatedtype Input: Sendable
    /// Runs the function.
    func callAsFunction(_ input: Input) throws
}

extension RDD {
    /// Marks this RDD as made by a registered function rather than a closure.
    func registered<F: RegisteredFunction>(_ function: F) -> Self {
        state.withLock { $0.function = function.descriptor }
        return self
    }
}

/// A registered function with no parameters: conforming gives it an empty wire form.
///
/// ```swift
/// struct Plus: ReduceFunction, ParameterlessFunction {
///     static let name = "Plus"
///     func callAsFunction(_ a: Int, _ b: Int) -> Int { a + b }
/// }
/// ```
public protocol ParameterlessFunction: RegisteredFunction {
    /// The function.
    init()
}

extension ParameterlessFunction {
    /// Writes nothing.
    public func encode(to writer: inout WireWriter) {}
    /// Reads nothing.
    public init(from reader: inout WireReader) throws(WireError) { self.init() }
    /// Zero: the wire form is empty.
    public static var minimumWireSize: Int { 0 }
}
