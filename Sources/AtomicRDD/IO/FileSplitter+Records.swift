import Foundation

extension FileSplitter {
    /// Splits for files of fixed-length records: every split starts on a record
    /// boundary and holds whole records, about `minPartitions` splits in all as
    /// ``splits(of:minPartitions:maxSplitBytes:)`` cuts them, with sizes rounded
    /// to whole records (no split exceeds `maxSplitBytes`, or one record if
    /// records are larger). The last split of a file runs to its end, so a
    /// trailing partial record lands in it. Empty files get no split.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)`` when a file cannot be stat'ed.
    public static func recordSplits(of paths: [String], recordLength: Int, minPartitions: Int,
                                    maxSplitBytes: Int = 64 << 20) throws(InputError) -> [FileSplit] {
        let recordLength = max(1, recordLength)
        let sizes = try fileSizes(paths)
        let records = sizes.reduce(0) { $0 + $1.size / recordLength }
        let wanted = max(1, minPartitions)
        let goalRecords = max(1, min(maxSplitBytes / recordLength, ceilingDivision(records, wanted)))
        let goal = goalRecords * recordLength
        var splits: [FileSplit] = []
        for (path, size) in sizes where size > 0 {
            let whole = size / recordLength * recordLength
            var start = 0
            repeat {
                var end = min(start + goal, whole)
                if end >= whole { end = size }
                splits.append(FileSplit(path: path, start: start, length: end - start))
                start = end
            } while start < size
        }
        return splits
    }

    /// The files cut into at most `minPartitions` groups of consecutive files
    /// with about the same number of bytes each (at least one group, one when
    /// there are no files), for readers that take each file whole.
    ///
    /// - Throws: ``InputError/unreadable(path:reason:)`` when a file cannot be stat'ed.
    public static func fileGroups(of paths: [String], minPartitions: Int) throws(InputError) -> [[String]] {
        let sizes = try fileSizes(paths)
        let count = max(1, min(minPartitions, paths.count))
        guard count > 1 else { return [paths] }
        // Each group closes once it holds its share of the bytes, and early
        // enough that every later group still gets at least one file.
        let total = sizes.reduce(0) { $0 + $1.size }
        let goal = max(1, (total + count - 1) / count)
        var groups: [[String]] = [[]]
        var groupBytes = 0
        for (index, (path, size)) in sizes.enumerated() {
            let filesLeft = sizes.count - index
            let groupsLeft = count - groups.count
            if !groups[groups.count - 1].isEmpty && groupsLeft > 0 && (groupBytes >= goal || filesLeft <= groupsLeft) {
                groups.append([])
                groupBytes = 0
            }
            groups[groups.count - 1].append(path)
            groupBytes += size
        }
        return groups
    }

    /// The size of each file, in order.
    static func fileSizes(_ paths: [String]) throws(InputError) -> [(path: String, size: Int)] {
        var sizes: [(path: String, size: Int)] = []
        sizes.reserveCapacity(paths.count)
        for path in paths {
            // Through symbolic links: a link's own size is the length of its target's path.
            let size: Int
            do { size = try ReadOnlyFile.size(ofFileAt: path) } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
            sizes.append((path, size))
        }
        return sizes
    }
}
