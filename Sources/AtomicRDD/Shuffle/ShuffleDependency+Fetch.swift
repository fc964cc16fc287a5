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
    /// segment. Records in memory whose memory is their wire form, and spill
    /// segments (already in the wire form), are sent from where they lie, with
    /// only the few bytes before each written; other records are encoded into
    /// the bucket's bytes.
    static func bucketEncoder(_ output: MapOutput, codec: RecordCodec<(K, C)>) -> @Sendable (Int) throws -> EncodedBucket {
        let memory = output.memory, segments = output.segments
        return { reduce in
            let records = memory[reduce].map { $0 as! [(K, C)] }
            let spilled = segments[reduce].filter { !$0.range.isEmpty }
            var bucket = BucketBuilder(pieces: (records == nil ? 0 : 1) + spilled.count)
            if let records {
                if codec.isMemoryImage {
                    try bucket.appendPiece(count: records.count, records: FrameTail(memoryOf: records))
                } else {
                    try bucket.appendPiece(estimate: records.count * 16) { codec.encodeAll(records, into: &$0) }
                }
            }
            for segment in spilled {
                let (count, mapped) = try RunFileReader.mappedRecords(segment)
                try bucket.appendPiece(count: count, records: mapped)
            }
            return bucket.finished()
        }
    }
}
