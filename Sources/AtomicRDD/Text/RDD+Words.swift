extension RDD where Element == String {
    /// The words of every line, as ``Word``s: runs of bytes between ASCII
    /// whitespace, as `flatMap(\.words)` gives them and in the same order.
    ///
    /// On the lines of ``Context/textFile(_:minPartitions:)`` the words are
    /// scanned straight from the file's bytes, with no `String` or array per line;
    /// on any other RDD of strings each line is split with ``Swift/String/words``.
    ///
    /// ```swift
    /// let counts = try await sc.textFile("corpus.txt")
    ///     .words()
    ///     .map { ($0, 1) }
    ///     .reduceByKey(+)
    ///     .collect()
    /// ```
    ///
    /// - Complexity: O(bytes) per partition; no allocation but for words longer
    ///   than 16 bytes.
    public func words() -> RDD<Word> {
        context.recording("words", parents: [self]) {
            if let textFile = self as? TextFileRDD { return TextWordsRDD(textFile: textFile) }
            return MapPartitionsRDD(parent: self, operatorName: "words", runsUserClosure: false) { _, _, lines in
                TextWordsRDD.words(of: lines)
            }
        }
    }
}
