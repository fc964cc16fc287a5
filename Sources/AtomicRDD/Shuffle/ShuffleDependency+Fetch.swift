extension ShuffleDependency {
    /// The records of reduce partition `split`: the bucket each map task wrote
    /// for it, one after the other, read from memory or from spill files.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a
    ///   map output is missing (its stage reruns); read errors as the records are pulled.
    func fetch(_ split: Int, _ task: TaskContext) async throws -> Records<(K, C)> {
        let codec = codec
        let blocks: [ShuffleBlock]
        if let source = task.shuffleSource {
            blocks = try await source.blocks(shuffleId: shuffleId, mapCount: mapCount, reduce: split, task: task) { bytes in
                try codec.decodeAll(bytes)
            }
        } else {
            blocks = try await task.environment.shuffleManager.fetch(shuffleId: shuffleId, mapCount: mapCount, reduce: split)
        }
        var sources = blocks.makeIterator()
        var current: Records<(K, C)> = .empty
        return Records {
            while true {
                if let record = try current.next() { return record }
                guard let block = sources.next() else { return nil }
                switch block {
                case .memory(let values): current = Records(values as! [(K, C)])
                case .disk(let segment): current = try RunFileReader.records(segment, codec: codec)
                }
            }
        }
    }
}

extension ShuffleDependency {
    /// Encodes one reducer's bucket of a map output (memory and spill files) for
    /// a reducer on another node.
    static func bucketEncoder(_ output: MapOutput, codec: RecordCodec<(K, C)>) -> @Sendable (Int) throws -> [UInt8] {
        let memory = output.memory, segments = output.segments
        return { reduce in
            var records = memory[reduce].map { $0 as! [(K, C)] } ?? []
            for segment in segments[reduce] where !segment.range.isEmpty {
                var reader = try RunFileReader.records(segment, codec: codec)
                while let record = try reader.next() { records.append(record) }
            }
            return codec.encodeAll(records)
        }
    }
}
