extension ShuffleDependency {
    /// The records of reduce partition `split`: the bucket each map task wrote
    /// for it, one after the other, read from memory or from spill files.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a
    ///   map output is missing (its stage reruns); read errors as the records are pulled.
    func fetch(_ split: Int, _ task: TaskContext) async throws -> Records<(K, C)> {
        concatenated(try await fetchBlocks(split, task))
    }

    /// The blocks of reduce partition `split` from every map task: the pieces
    /// of its buckets in memory, in spill files, or (on a cluster) in the bytes
    /// fetched from other nodes. Each is in key order when the
    /// shuffle has a ``keyOrdering``. Shuffles fetched at once by the task
    /// share one `budget` of bytes in flight.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a map output is missing.
    func fetchBlocks(_ split: Int, _ task: TaskContext, budget: FetchBudget? = nil) async throws -> [ShuffleBlock] {
        if let source = task.shuffleSource {
            return try await source.blocks(shuffleId: shuffleId, mapCount: mapCount, reduce: split, task: task,
                                           budget: budget)
        }
        return try task.environment.shuffleManager.blocks(shuffleId: shuffleId, maps: 0..<mapCount, reduce: split, readBy: task)
    }

    /// The records of one block.
    ///
    /// - Throws: read errors of a spill file, when it is opened.
    func records(of block: ShuffleBlock) throws -> Records<(K, C)> {
        switch block {
        case .memory(let values): Records(values as! [(K, C)])
        case .disk(let segment): try RunFileReader.records(segment, codec: codec)
        case .encoded(let bytes, let range): try codec.records(in: bytes, range: range)
        }
    }

    /// The records of `blocks`, one block after the other.
    func concatenated(_ blocks: [ShuffleBlock]) -> Records<(K, C)> {
        var sources = blocks.makeIterator()
        var current: Records<(K, C)> = .empty
        return Records(pull: { [self] in
            while true {
                if let record = try current.next() { return record }
                guard let block = sources.next() else { return nil }
                current = try records(of: block)
            }
        }, drain: { [self] body in
            while true {
                try current.forEach(body)
                guard let block = sources.next() else { return }
                current = try records(of: block)
            }
        })
    }
}

extension ShuffleDependency {
    /// Encodes one reducer's bucket of a map output for a reducer on another
    /// node, in the form of ``ShuffleBucket``: the memory part, then each spill
    /// segment, written into one buffer that is sent as it is. When the bucket
    /// is all in memory and its records' memory is their wire form, only the
    /// few bytes before them are written: the records are sent from where they lie.
    static func bucketEncoder(_ output: MapOutput, codec: RecordCodec<(K, C)>) -> @Sendable (Int) throws -> EncodedBucket {
        let memory = output.memory, segments = output.segments
        return { reduce in
            let records = memory[reduce].map { $0 as! [(K, C)] }
            let spilled = segments[reduce].filter { !$0.range.isEmpty }
            if let records, spilled.isEmpty, codec.isMemoryImage {
                var counted = WireWriter(capacity: 16)
                counted.writeVarint(UInt64(records.count))
                let body = records.count * MemoryLayout<(K, C)>.stride
                var writer = WireWriter(capacity: 32)
                writer.writeVarint(1)
                guard counted.count + body <= Int(UInt32.max) else {
                    throw EngineError.invalidArgument(operation: "shuffle fetch", reason: "a bucket piece of \(body) bytes (4 GiB at most)")
                }
                writer.writeFixed(UInt32(counted.count + body))
                writer.writeRaw(counted.take())
                return EncodedBucket(bytes: writer.take(), tail: FrameTail(memoryOf: records))
            }
            let estimate = (records?.count ?? 0) * (codec.isMemoryImage ? MemoryLayout<(K, C)>.stride : 16)
            var writer = WireWriter(capacity: 16 + estimate + spilled.reduce(0) { $0 + $1.range.count })
            writer.writeVarint(UInt64((records == nil ? 0 : 1) + spilled.count))
            if let records { try ShuffleBucket.writePiece(into: &writer) { codec.encodeAll(records, into: &$0) } }
            // Spilled records are already in the wire form: served as they lie.
            for segment in spilled {
                try ShuffleBucket.writePiece(into: &writer) { try RunFileReader.appendEncodedRecords(segment, to: &$0) }
            }
            return EncodedBucket(bytes: writer.take())
        }
    }
}
