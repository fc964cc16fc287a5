/// A partitioner given as data: a ``KeyPartitioner`` that is also a registered
/// function, so the pair operations that take a partitioner (`partitionBy`,
/// `reduceByKey(partitioner:_:)`, `groupByKey(partitioner:)`,
/// `repartitionAndSortWithinPartitions(partitioner:ascending:)`) ship to a
/// multi-process cluster with it. Its stored properties are its wire form;
/// register its type with the application's functions.
///
/// ```swift
/// struct ByRegion: PartitionerFunction {
///     static let name = "ByRegion"
///     var partitionCount: Int { 3 }
///     func partition(of key: Int) -> Int { key % 3 }
///     func isEquivalent(to other: any Partitioner) -> Bool { other is ByRegion }
///     var description: String { "ByRegion" }
///     // WireCodable: no stored properties to write
/// }
/// let placed = customers.partitionBy(ByRegion())
/// ```
public protocol PartitionerFunction<Key>: KeyPartitioner, RegisteredFunction {}
