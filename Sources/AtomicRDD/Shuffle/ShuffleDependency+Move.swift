import Foundation

extension ShuffleDependency {
    /// What moves some of a map output's in-memory buckets to a new file at
    /// `path()` (``MapOutput/moveToDisk``): each moved bucket becomes the first
    /// segment of its reducer, where its records were first, and its bytes
    /// leave the output's `memoryBytes`. The output it returns can move the
    /// buckets left in memory later.
    static func mover(_ output: MapOutput, codec: RecordCodec<(K, C)>,
                      makeEncoder: @escaping @Sendable (MapOutput) -> @Sendable (Int) throws -> EncodedBucket,
                      path: @escaping @Sendable () -> String) -> @Sendable ([Int]) throws -> MapOutput {
        { (reducers: [Int]) throws -> MapOutput in
            let file = path()
            do {
                var writer = try RunFileWriter(path: file, codec: codec)
                var moved = output
                for r in reducers where moved.memory.indices.contains(r) {
                    guard let records = moved.memory[r].map({ $0 as! [(K, C)] }) else { continue }
                    try writer.append(contentsOf: records)
                    moved.segments[r].insert(RunSegment(path: file, range: try writer.endSegment()), at: 0)
                    moved.memory[r] = nil
                    if moved.bucketBytes.indices.contains(r) {
                        moved.memoryBytes -= moved.bucketBytes[r]
                        moved.bucketBytes[r] = 0
                    }
                }
                try writer.close()
                moved.files.append(file)
                // Neither closure of the new output may hold the moved buckets:
                // the encoder is remade from what is left, and only then is the
                // output captured by the next mover.
                moved.moveToDisk = nil
                if output.encodeBucket != nil { moved.encodeBucket = makeEncoder(moved) }
                if moved.memory.contains(where: { $0 != nil }) {
                    moved.moveToDisk = mover(moved, codec: codec, makeEncoder: makeEncoder, path: path)
                }
                return moved
            } catch {
                try? FileManager.default.removeItem(atPath: file)
                throw error
            }
        }
    }
}
