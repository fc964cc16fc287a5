import Foundation

extension ShuffleDependency {
    /// What moves a map output's in-memory buckets to a new file at `path()`
    /// (``MapOutput/moveToDisk``): each bucket becomes the first segment of its
    /// reducer, where its records were first, and the output then holds no memory.
    static func mover(_ output: MapOutput, codec: RecordCodec<(K, C)>,
                      makeEncoder: @escaping @Sendable (MapOutput) -> @Sendable (Int) throws -> EncodedBucket,
                      path: @escaping @Sendable () -> String) -> @Sendable () throws -> MapOutput {
        { () throws -> MapOutput in
            let file = path()
            do {
                var writer = try RunFileWriter(path: file, codec: codec)
                var moved = output
                for r in moved.memory.indices {
                    guard let records = moved.memory[r].map({ $0 as! [(K, C)] }) else { continue }
                    for record in records { try writer.append(record) }
                    moved.segments[r].insert(RunSegment(path: file, range: try writer.endSegment()), at: 0)
                    moved.memory[r] = nil
                }
                try writer.close()
                moved.memoryBytes = 0
                moved.files.append(file)
                moved.moveToDisk = nil
                if output.encodeBucket != nil { moved.encodeBucket = makeEncoder(moved) }
                return moved
            } catch {
                try? FileManager.default.removeItem(atPath: file)
                throw error
            }
        }
    }
}
