import AtomicTransport

/// One RDD of a shipped lineage: its recipe as data.
struct LineageNode: Sendable, WireCodable {
    var id: Int
    var operatorName: String
    var function: FunctionDescriptor?
    var types: [String]
    var arguments: [UInt8]
    /// What the operator ships besides its arguments (a sort's sampled bounds);
    /// empty for most operators.
    var elements: [UInt8]
    /// Ids of the parent nodes, in the operator's argument order.
    var parents: [Int]
    var rddIds: [Int]
    var shuffleIds: [Int]
    /// The storage level the driver's RDD is persisted at ("none" when not).
    var storageLevel: String

    func encode(to writer: inout WireWriter) {
        writer.write(id)
        writer.write(operatorName)
        writer.write(function)
        writer.write(types)
        writer.write(arguments)
        writer.write(elements)
        writer.write(parents)
        writer.write(rddIds)
        writer.write(shuffleIds)
        writer.write(storageLevel)
    }

    init(from reader: inout WireReader) throws(WireError) {
        id = try reader.read()
        operatorName = try reader.read()
        function = try reader.read()
        types = try reader.read()
        arguments = try reader.read()
        elements = try reader.read()
        parents = try reader.read()
        rddIds = try reader.read()
        shuffleIds = try reader.read()
        storageLevel = try reader.read()
    }

    init(id: Int, recipe: LineageRecipe, elements: [UInt8], storageLevel: StorageLevel) {
        self.storageLevel = storageLevel.rawValue
        self.id = id
        operatorName = recipe.operatorName
        function = recipe.function
        types = recipe.types
        arguments = recipe.arguments
        self.elements = elements
        parents = recipe.parents.map(\.id)
        rddIds = recipe.rddIds
        shuffleIds = recipe.shuffleIds
    }
}

extension LineageNode {
    /// The node of a checkpointed RDD: a source reading its checkpoint files
    /// (see ``CheckpointFileRDD``), keeping the RDD's id and hash partitioner.
    ///
    /// - Throws: ``EngineError/notShippable(operator:rddId:reason:)`` when the
    ///   RDD has a partitioner other than a ``HashPartitioner``.
    init(checkpointOf rdd: AnyRDD, files: CheckpointFiles) throws(EngineError) {
        var hashPartitions = -1
        if let partitioner = rdd.partitioner {
            guard let hash = partitioner as? HashPartitioner else {
                throw .notShippable(operator: rdd.operatorName, rddId: rdd.id,
                                    reason: "a checkpointed RDD partitioned by \(partitioner) does not run on a cluster yet")
            }
            hashPartitions = hash.partitionCount
        }
        let recipe = LineageRecipe(operatorName: CheckpointFileRDD<Int>.operatorName, function: nil, types: files.types,
                                   arguments: WireWriter.bytes { $0.write(files.paths); $0.write(hashPartitions) },
                                   parents: [], rddIds: [rdd.id])
        self.init(id: rdd.id, recipe: recipe, elements: [], storageLevel: rdd.storageLevel)
    }
}

/// A job's lineage as data: what the driver ships to workers, which rebuild it
/// through the ``OperatorCatalog`` and the static ``FunctionRegistry``.
/// Nodes come parents first; the last node is the job's RDD.
struct LineagePlan: Sendable, WireCodable {
    var nodes: [LineageNode]
    /// The partitions of each `parallelize` in the lineage, encoded one by one,
    /// by RDD id. They stay out of the encoded plan: each task carries only the
    /// slices it reads (see ``SlicesNeeded``).
    var slices: [Int: [[UInt8]]] = [:]

    /// The plan of `rdd`'s lineage.
    ///
    /// - Throws: ``EngineError/notShippable(operator:rddId:reason:)`` naming the
    ///   first RDD that runs a closure or that cluster mode cannot ship.
    init(of rdd: AnyRDD) throws(EngineError) {
        var nodes: [LineageNode] = []
        var slices: [Int: [[UInt8]]] = [:]
        var seen: Set<Int> = []
        try LineagePlan.visit(rdd, into: &nodes, slices: &slices, seen: &seen)
        self.nodes = nodes
        self.slices = slices
    }

    private static func visit(_ rdd: AnyRDD, into nodes: inout [LineageNode], slices: inout [Int: [[UInt8]]],
                              seen: inout Set<Int>) throws(EngineError) {
        guard !seen.contains(rdd.id) else { return }
        seen.insert(rdd.id)
        if let files = rdd.state.withLock({ $0.checkpoint }) {
            // The lineage is cut: workers read the files the checkpoint's job wrote.
            nodes.append(try LineageNode(checkpointOf: rdd, files: files))
            return
        }
        guard let recipe = rdd.recipe else {
            let reason = rdd.runsUserClosure
                ? "it runs a closure; use the operator's registered-function form"
                : "this operator does not run on a cluster yet"
            throw .notShippable(operator: rdd.operatorName, rddId: rdd.id, reason: reason)
        }
        for parent in recipe.parents { try visit(parent, into: &nodes, slices: &slices, seen: &seen) }
        if let source = rdd as? ShippedSlices { slices[rdd.id] = try source.shippedSlices() }
        let elements = try (rdd as? ShippedElements)?.shippedElements() ?? []
        nodes.append(LineageNode(id: rdd.id, recipe: recipe, elements: elements, storageLevel: rdd.storageLevel))
    }

    func encode(to writer: inout WireWriter) { writer.write(nodes) }

    init(from reader: inout WireReader) throws(WireError) { nodes = try reader.read() }
}

/// An RDD that ships data of its own inside the plan (a sort's sampled bounds).
protocol ShippedElements {
    /// The data, encoded.
    func shippedElements() throws(EngineError) -> [UInt8]
}

/// A source RDD whose partitions travel with the tasks that read them (`parallelize`).
protocol ShippedSlices {
    /// Each partition's elements, encoded.
    func shippedSlices() throws(EngineError) -> [[UInt8]]
}

extension ParallelCollectionRDD: ShippedSlices {
    func shippedSlices() throws(EngineError) -> [[UInt8]] {
        guard let codec = codec.withLock({ $0 }) ?? RecordCodec<Element>.wireIfCodable() else {
            throw .notShippable(operator: operatorName, rddId: id, reason: "its element type \(Element.self) is not WireCodable")
        }
        return slices.map(codec.encodeAll)
    }
}

extension RecordCodec {
    /// The wire codec of `Element` when it is ``WireCodable`` (found at run time).
    static func wireIfCodable() -> RecordCodec<Element>? {
        guard let codable = Element.self as? any WireCodable.Type else { return nil }
        func make<W: WireCodable>(_: W.Type) -> Any { RecordCodec<W>.wire(W.self) }
        return make(codable) as? RecordCodec<Element>
    }
}

extension WireWriter {
    /// The bytes `body` writes.
    static func bytes(_ body: (inout WireWriter) -> Void) -> [UInt8] {
        var writer = WireWriter(capacity: 32)
        body(&writer)
        return writer.take()
    }
}
