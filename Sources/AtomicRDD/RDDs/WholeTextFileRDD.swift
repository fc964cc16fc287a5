import Foundation

/// Whole text files as `(path, content)` pairs, one record per file and a few
/// consecutive files per partition: `wholeTextFiles`.
///
/// A file is read when its record is pulled, so a partition holds one file's
/// text at a time.
final class WholeTextFileRDD: RDD<(String, String)>, @unchecked Sendable {
    // `@unchecked Sendable`: `groups` is immutable (see RDD for the rest).
    private let groups: [[String]]

    init(context: Context, groups: [[String]]) {
        self.groups = groups
        super.init(context: context, partitionCount: Swift.max(1, groups.count), dependencies: [], operatorName: "wholeTextFiles")
        setCodec(.pair(String.self, String.self))
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<(String, String)> {
        guard split < groups.count else { return .empty }
        var paths = groups[split].makeIterator()
        let cancellation = task.cancellation
        return Records {
            guard let path = paths.next() else { return nil }
            if cancellation.isSet { throw CancellationError() }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw InputError.unreadable(path: path, reason: "\(error)")
            }
            return (path, String(decoding: data, as: UTF8.self))
        }
    }
}
