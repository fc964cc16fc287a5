import AtomicTransport
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

    /// The folder that checkpoints go to: ``Config/checkpointDirectory``, or a
    /// folder in the driver's scratch folder (which the worker processes of a
    /// local cluster reach too, on the same disk).
    var checkpointFolder: String {
        config.checkpointDirectory ?? (scratch.path as NSString).appendingPathComponent("checkpoints")
    }
}

extension RDD {
    /// Writes every partition to the checkpoint folder with the RDD's codec,
    /// one file each, then cuts the lineage: later jobs read the files.
    ///
    /// The tasks of the checkpoint's job write the files where they run: on a
    /// multi-process cluster the workers write them, so the folder must be one
    /// that driver and workers reach at the same path (see
    /// ``Config/checkpointDirectory``). Later jobs ship a node that reads the
    /// files (``CheckpointFileRDD``) instead of the lineage.
    func writeCheckpointFiles() async throws {
        guard let codec = codec.withLock({ $0 }) else {
            preconditionFailure("Internal inconsistency: checkpoint requested for an RDD without a codec")
        }
        let types = state.withLock { $0.checkpointTypes }
        let folder = (context.checkpointFolder as NSString).appendingPathComponent("rdd-\(id)")
        try CheckpointFiles.createFolder(folder)
        let remote = RemoteResult<String>(kind: CheckpointFiles.writeAction,
                                          arguments: WireWriter.bytes { $0.write(folder); $0.write(types) }) { bytes in
            var reader = WireReader(bytes)
            return try reader.read()
        }
        let paths = try await context.runJob(self, remote: remote) { task, records -> String in
            try CheckpointFiles.write(&records, partition: task.partition, folder: folder, codec: codec)
        }
        state.withLock { $0.checkpoint = CheckpointFiles(paths: paths, types: types) }
    }

    /// On a worker: writes partition `split` of this RDD to the checkpoint
    /// folder that `arguments` name, and returns the file's path, encoded.
    func writeCheckpointFile(_ arguments: [UInt8], _ split: Int, _ task: TaskContext) async throws -> [UInt8] {
        var reader = WireReader(arguments)
        let folder: String = try reader.read(), types: [String] = try reader.read()
        let codec = try CheckpointFiles.codec(types, of: Element.self)
        try CheckpointFiles.createFolder(folder)
        let records = Handoff(value: try await iterator(split, task))
        let path = try await task.environment.threads.run(task) { () -> String in
            var input = records.value
            return try CheckpointFiles.write(&input, partition: split, folder: folder, codec: codec)
        }
        return WireWriter.bytes { $0.write(path) }
    }
}

extension CheckpointFiles {
    /// The action of a checkpoint job's result tasks on workers (see ``RemoteResult``).
    static let writeAction = "checkpoint"

    /// Makes the folder of an RDD's checkpoint files.
    ///
    /// - Throws: ``EngineError/outputFailed(path:reason:)``.
    static func createFolder(_ folder: String) throws(EngineError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .outputFailed(path: folder, reason: "\(error)")
        }
    }

    /// The mark that ends every checkpoint file ("ATCKPT01"), after the length of its records.
    static let trailerMark: UInt64 = 0x3130_5450_4B43_5441
    /// A checkpoint file's trailer: the byte length of its batches, then ``trailerMark``.
    static let trailerBytes = 16

    /// Writes a partition's records to its checkpoint file, and returns the file's path.
    ///
    /// ```
    /// [batches of records (a run file's segment)][u64 their length][u64 trailerMark]
    /// ```
    /// The trailer lets a reader tell a whole file from one cut short, which a
    /// run file alone cannot (an empty partition writes no batch at all).
    static func write<T>(_ records: inout Records<T>, partition: Int, folder: String, codec: RecordCodec<T>) throws -> String {
        let path = (folder as NSString).appendingPathComponent(String(format: "part-%05d", partition))
        var writer = try RunFileWriter(path: path, codec: codec)
        while let record = try records.next() { try writer.append(record) }
        let segment = try writer.endSegment()
        try writer.writeRaw(WireWriter.bytes { $0.writeFixed(UInt64(segment.count)); $0.writeFixed(trailerMark) })
        try writer.close()
        return path
    }

    /// The records of the checkpoint file at `path`, written with `codec`.
    ///
    /// - Throws: ``EngineError/checkpointUnreadable(path:reason:)`` when the file
    ///   is not where this task runs (the checkpoint folder must be shared by
    ///   driver and workers), or is not a whole checkpoint file (cut short, or
    ///   another file); what reading it throws.
    static func read<T>(_ path: String, codec: RecordCodec<T>) throws -> Records<T> {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError.checkpointUnreadable(
                path: path, reason: "no such file where this task runs; the checkpoint folder must be shared by driver and workers")
        }
        return try RunFileReader.records(RunSegment(path: path, range: 0..<recordsLength(path)), codec: codec)
    }

    /// The length of the batches of the checkpoint file at `path`, from its
    /// trailer, checked against the file's size.
    private static func recordsLength(_ path: String) throws -> Int {
        var trailer = [UInt8](repeating: 0, count: trailerBytes)
        let size: Int
        do {
            size = try ReadOnlyFile.size(ofFileAt: path)
            if size >= trailerBytes {
                let file = try ReadOnlyFile(path: path)
                _ = try trailer.withUnsafeMutableBytes { try file.read(into: $0, at: size - trailerBytes) }
            }
        } catch {
            throw EngineError.checkpointUnreadable(path: path, reason: "\(error)")
        }
        var reader = WireReader(trailer)
        let length = try reader.readFixed(UInt64.self), mark = try reader.readFixed(UInt64.self)
        guard size >= trailerBytes, mark == trailerMark, length == UInt64(size - trailerBytes) else {
            throw EngineError.checkpointUnreadable(
                path: path, reason: "not a whole checkpoint file (\(size) bytes, cut short or written by something else)")
        }
        return Int(length)
    }

    /// The codec that `checkpoint()` chose, from the names of the types it was
    /// called with: one wire-codable element type, or a key and a value type.
    ///
    /// - Throws: ``EngineError/lineageNotRebuilt(operator:reason:)`` when the
    ///   types are unknown here, not wire-codable, or not `T`.
    static func codec<T>(_ types: [String], of _: T.Type) throws(EngineError) -> RecordCodec<T> {
        let codable = try types.map { name throws(EngineError) -> any WireCodable.Type in
            guard let type = try TypeNames.type(name, for: "checkpoint") as? any WireCodable.Type else {
                throw .lineageNotRebuilt(operator: "checkpoint", reason: "\(name) is not WireCodable")
            }
            return type
        }
        func wire<W: WireCodable>(_: W.Type) -> Any { RecordCodec<W>.wire(W.self) }
        func pair<K: WireCodable>(_: K.Type, _ value: any WireCodable.Type) -> Any {
            func withValue<V: WireCodable>(_: V.Type) -> Any { RecordCodec<(K, V)>.pair(K.self, V.self) }
            return withValue(value)
        }
        let codec: Any? = switch codable.count {
        case 1: wire(codable[0])
        case 2: pair(codable[0], codable[1])
        default: nil
        }
        guard let typed = codec as? RecordCodec<T> else {
            throw .lineageNotRebuilt(operator: "checkpoint", reason: "types \(types) do not make a codec of \(T.self)")
        }
        return typed
    }
}
