/// Forms of the operators compiled for a registered function's own type, not
/// only for its element types.
///
/// A form keyed by element types gets the function as a closure built where
/// its type is generic, so every record still goes through the protocol's
/// witness, a reabstraction thunk and, for tuple results, a lookup of the
/// tuple's metadata. A form keyed by the function type calls the function
/// directly, so a worker's record loop is the driver's. A worker takes this
/// form first, then the element types' form, then the generic operator.
///
/// ```swift
/// var specializations = OperatorSpecializations.standard
/// specializations.map(function: ParseOrder.self)
/// specializations.reduceByKey(Int.self, function: MaxPrice.self)
/// ```
extension OperatorSpecializations {
    typealias FunctionEntry = @Sendable (AnyRDD, any RegisteredFunction) -> AnyRDD?
    typealias FunctionRecordsEntry = @Sendable (Context, String, Int?, any RegisteredFunction) throws -> AnyRDD?
    typealias FunctionPairEntry = @Sendable (AnyRDD, Int?, any RegisteredFunction) -> AnyRDD?

    /// `map` with the registered function `F`.
    public mutating func map<F: MapFunction>(function _: F.Type) {
        functionMaps[Self.key(F.self)] = { parent, function in
            guard let parent = parent as? RDD<F.Input>, let function = function as? F else { return nil }
            return parent.map { try function($0) }
        }
    }

    /// `flatMap` with the registered function `F`.
    public mutating func flatMap<F: FlatMapFunction>(function _: F.Type) {
        functionFlatMaps[Self.key(F.self)] = { parent, function in
            guard let parent = parent as? RDD<F.Input>, let function = function as? F else { return nil }
            return parent.flatMap { try function($0) }
        }
    }

    /// `filter` with the registered predicate `F`.
    public mutating func filter<F: FilterFunction>(function _: F.Type) {
        functionFilters[Self.key(F.self)] = { parent, function in
            guard let parent = parent as? RDD<F.Input>, let function = function as? F else { return nil }
            return parent.filter { try function($0) }
        }
    }

    /// `binaryRecords` decoded by the registered function `F`.
    public mutating func binaryRecords<F: RecordDecodeFunction>(function _: F.Type) {
        functionRecords[Self.key(F.self)] = { context, path, minPartitions, function in
            guard let function = function as? F else { return nil }
            return try context.binaryRecords(path, recordLength: F.recordLength, minPartitions: minPartitions) { try function($0) }
        }
    }

    /// `reduceByKey` of `(K, F.Value)` pairs with the registered function `F`.
    public mutating func reduceByKey<K: ShuffleKey, F: ReduceFunction>(_: K.Type, function _: F.Type)
        where F.Value: WireCodable {
        functionReductions[Self.key(K.self, F.self)] = { parent, count, function in
            guard let parent = parent as? RDD<(K, F.Value)>, let function = function as? F else { return nil }
            return parent.reduceByKey(numPartitions: count) { try function($0, $1) }
        }
    }

    /// The standard functions (``StandardFunctions``), each compiled for its own type.
    mutating func addStandardFunctions() {
        map(function: StandardFunctions.WithOne.self)
        map(function: StandardFunctions.KeyedLine.self)
        flatMap(function: StandardFunctions.Words.self)
        binaryRecords(function: StandardFunctions.Int64Pair.self)
        reduceByKey(Int.self, function: StandardFunctions.SumInts.self)
        reduceByKey(Word.self, function: StandardFunctions.SumInts.self)
        reduceByKey(String.self, function: StandardFunctions.SumInts.self)
    }
}
