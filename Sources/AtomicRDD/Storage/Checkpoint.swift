import Foundation

extension Context {
    /// After a job, writes the partitions of RDDs in its lineage that asked for
    /// a checkpoint and have none yet, then cuts their lineage.
    func checkpointIfRequested(_ rdd: AnyRDD) async throws {
        var pending: [AnyRDD] = []
        var visited: Set<Int> = []
        var stack = [rdd]
        while let node = stack.popLast() {
            guard visited.insert(node.id).inserted else { continue }
            let (requested, done) = node.state.withLock { ($0.checkpointRequested, $0.checkpoint != nil) }
            if requested && !done { pending.append(node) }
            if !done { stack += node.dependencies.map(\.parent) }
        }
        for node in pending {
            // Cleared first: the checkpoint's own job must not checkpoint again.
            node.state.withLock { $0.checkpointRequested = false }
            do { try await node.writeCheckpoint() } catch {
                node.state.withLock { $0.checkpointRequested = true }
                throw error
            }
        }
    }

    /// The folder that checkpoints go to.
    var checkpointFolder: String {
        config.checkpointDirectory ?? (scratch.path as NSString).appendingPathComponent("checkpoints")
    }
}

extension RDD {
    /// Writes every partition to the checkpoint folder with the RDD's codec,
    /// one file each, then cuts the lineage: later jobs read the files.
    func writeCheckpointFiles() async throws {
        guard let codec = codec.withLock({ $0 }) else {
            preconditionFailure("Internal inconsistency: checkpoint requested for an RDD without a codec")
        }
        let folder = (context.checkpointFolder as NSString).appendingPathComponent("rdd-\(id)")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EngineError.outputFailed(path: folder, reason: "\(error)")
        }
        let paths = try await context.runJob(self) { task, records -> String in
            let path = (folder as NSString).appendingPathComponent(String(format: "part-%05d", task.partition))
            var writer = try RunFileWriter(path: path, codec: codec)
            while let record = try records.next() { try writer.append(record) }
            _ = try writer.endSegment()
            try writer.close()
            return path
        }
        state.withLock { $0.checkpoint = CheckpointFiles(paths: paths) }
    }
}
