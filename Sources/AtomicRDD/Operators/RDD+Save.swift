extension RDD {
    /// Writes the elements as text, one per line, into the folder `path`: one
    /// file `part-NNNNN` per partition (empty partitions too) and a `_SUCCESS`
    /// marker, as Spark and Hadoop lay it out. A `String` element is written
    /// as it is, any other as `String(describing:)`; an element holding a
    /// newline becomes several lines.
    ///
    /// The folder appears only when the whole job succeeded: tasks write into a
    /// hidden temporary folder beside it, which is renamed into place at the
    /// end (see ``OutputCommitter``). A failed or cancelled job leaves neither
    /// the folder nor the temporary one, and retried tasks leave no partial or
    /// repeated part files. With `overwrite`, an existing `path` is replaced
    /// only once the new output is complete. Missing parent folders are made.
    ///
    /// ```swift
    /// try await sc.parallelize(1...100, numPartitions: 4).map { $0 * $0 }.saveAsTextFile("squares")
    /// let back = try sc.textFile("squares").map { Int($0)! }     // _SUCCESS is skipped
    /// ```
    ///
    /// - Throws: ``EngineError/outputExists(path:)`` when `path` exists and
    ///   `overwrite` is false (before any task runs);
    ///   ``EngineError/outputFailed(path:reason:)`` when a file cannot be
    ///   written or moved; the job's ``JobFailedError`` or `CancellationError`.
    public func saveAsTextFile(_ path: String, overwrite: Bool = false) async throws {
        let committer = try OutputCommitter(target: path, overwrite: overwrite)
        if context.shipsPlans {
            // Worker processes write the part files; the driver commits or aborts the folder.
            do {
                _ = try await textParts(into: committer.temporary).count()
            } catch {
                await committer.abortJob()
                throw error
            }
            return try await committer.commitJob()
        }
        do {
            _ = try await context.runJob(self) { task, records in
                let writer = try committer.openWriter(partition: task.partition, attemptId: task.taskAttemptId)
                var records = records
                try writer.writeAll(&records, task: task)
            }
        } catch {
            await committer.abortJob()
            throw error
        }
        try await committer.commitJob()
    }
}
