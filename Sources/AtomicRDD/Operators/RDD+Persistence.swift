import AtomicTransport

extension RDD {
    /// Keeps computed partitions in memory (`persist(.memoryOnly)`): the next
    /// job reads them instead of recomputing the lineage. Evicted partitions are
    /// recomputed when needed.
    @discardableResult
    public func cache() -> Self {
        state.withLock { $0.storageLevel = .memoryOnly }
        return self
    }

    /// Drops the cached partitions; later jobs recompute them.
    public func unpersist() async {
        state.withLock { $0.storageLevel = .none }
        if let backend = context.cluster?.backend {
            await backend.removeBlocks(rddId: id)
        } else {
            _ = await context.environment.blockManager.remove(rddId: id)
        }
    }

    func persist(_ level: StorageLevel, codec: RecordCodec<Element>) -> Self {
        setCodec(codec)
        state.withLock { $0.storageLevel = level }
        return self
    }

    func checkpoint(codec: RecordCodec<Element>, types: [Any.Type]) {
        setCodec(codec)
        let names = types.map(TypeNames.name)
        state.withLock {
            $0.checkpointRequested = true
            $0.checkpointTypes = names
        }
    }
}

extension RDD where Element: WireCodable {
    /// Keeps computed partitions at `level`: in memory, in memory then disk
    /// when evicted, or on disk only (serialized with the wire codec).
    @discardableResult
    public func persist(_ level: StorageLevel) -> Self { persist(level, codec: .wire(Element.self)) }

    /// Asks for the partitions to be written to the checkpoint folder after the
    /// next job that computes them; from then on the lineage is cut and jobs read
    /// the files.
    ///
    /// Like Spark's reliable checkpoint, the files are written by the tasks of a
    /// job of their own, where those tasks run: on a multi-process cluster the
    /// folder (``Config/checkpointDirectory``) must be reachable by the driver
    /// and every worker at the same path (a shared folder; on a local cluster,
    /// the same disk). Persist the RDD too, or that job computes it again.
    public func checkpoint() { checkpoint(codec: .wire(Element.self), types: [Element.self]) }
}

extension RDD {
    /// ``persist(_:)`` for key-value RDDs of wire-codable keys and values.
    @discardableResult
    public func persist<K: WireCodable, V: WireCodable>(_ level: StorageLevel) -> Self where Element == (K, V) {
        persist(level, codec: .pair(K.self, V.self))
    }

    /// ``checkpoint()`` for key-value RDDs of wire-codable keys and values.
    public func checkpoint<K: WireCodable, V: WireCodable>() where Element == (K, V) {
        checkpoint(codec: .pair(K.self, V.self), types: [K.self, V.self])
    }
}
