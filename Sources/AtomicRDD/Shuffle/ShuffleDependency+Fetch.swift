extension ShuffleDependency {
    /// The records of reduce partition `split`: the bucket each map task wrote
    /// for it, one after the other, read from memory or from spill files.
    ///
    /// - Throws: ``EngineError/fetchFailed(shuffleId:mapIndex:reduceIndex:)`` when a
    ///   map output is missing (its stage reruns); read errors as the records are pulled.
    func fetch(_ split: Int, _ task: TaskContext) async throws -> Records<(K, C)> {
        let blocks = try await task.environment.shuffleManager.fetch(shuffleId: shuffleId, mapCount: mapCount, reduce: split)
        let codec = codec
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
