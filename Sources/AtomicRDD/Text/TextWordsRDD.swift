/// The words of a text file's lines, read straight from the file's bytes: what
/// `textFile(path).words()` runs.
///
/// Each partition scans the blocks of whole lines that a ``LineCursor`` hands
/// out and makes a ``Word`` of each run of non-whitespace bytes: no `String`
/// per line and no array per line, which is what `flatMap(\.words)` pays. A
/// word never spans lines, so the words are exactly those of `flatMap(\.words)`
/// over the same lines, in the same order.
///
/// When the text file is persisted or checkpointed, its stored lines are split
/// instead, so the cache is used.
final class TextWordsRDD: RDD<Word>, @unchecked Sendable {
    // `@unchecked Sendable`: `textFile` is immutable (see RDD for the rest).
    private let textFile: TextFileRDD

    init(textFile: TextFileRDD) {
        self.textFile = textFile
        super.init(context: textFile.context, partitionCount: textFile.partitionCount,
                   dependencies: [NarrowDependency.oneToOne(textFile)], operatorName: "words")
        setCodec(.wire(Word.self))
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<Word> {
        if textFile.storageLevel != .none || textFile.isCheckpointed {
            return Self.words(of: try await textFile.iterator(split, task))
        }
        guard split < textFile.splits.count else { return .empty }
        let cursor = LineCursor(split: textFile.splits[split])
        let cancellation = task.cancellation
        var block = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var index = 0
        var words = 0
        return Records(pull: {
            words &+= 1
            if words & 4095 == 0, cancellation.isSet { throw CancellationError() }
            while true {
                if let word = Word.next(in: block, from: &index) { return word }
                guard let next = try cursor.nextBlock() else { return nil }
                block = next
                index = 0
            }
        }, drain: { body in
            // The position in locals for the loop, saved back however it ends.
            var (here, at, counted) = (block, index, words)
            defer { (block, index, words) = (here, at, counted) }
            while true {
                while let word = Word.next(in: here, from: &at) {
                    counted &+= 1
                    if counted & 4095 == 0, cancellation.isSet { throw CancellationError() }
                    try body(word)
                }
                guard let next = try cursor.nextBlock() else { return }
                (here, at) = (next, 0)
            }
        }, chunks: { body in
            var (here, at, counted) = (block, index, words)
            defer { (block, index, words) = (here, at, counted) }
            let capacity = Records<Word>.chunkCapacity
            let chunk = UnsafeMutablePointer<Word>.allocate(capacity: capacity)
            defer { chunk.deallocate() }
            while true {
                var filled = 0
                while filled < capacity, let word = Word.next(in: here, from: &at) {
                    (chunk + filled).initialize(to: word)
                    filled &+= 1
                }
                if filled > 0 {
                    counted &+= filled
                    if cancellation.isSet {
                        chunk.deinitialize(count: filled)
                        throw CancellationError()
                    }
                    // `body` takes the words, also when it throws.
                    try body(UnsafeMutableBufferPointer(start: chunk, count: filled))
                }
                if filled == capacity { continue }
                guard let next = try cursor.nextBlock() else { return }
                (here, at) = (next, 0)
            }
        })
    }

    /// The words of each line of `lines`, in order.
    static func words(of lines: Records<String>) -> Records<Word> {
        var lines = lines
        var line: [Word] = []
        var index = 0
        return Records(pull: {
            while index == line.count {
                guard let next = try lines.next() else { return nil }
                line = next.words
                index = 0
            }
            defer { index += 1 }
            return line[index]
        }, drain: { body in
            // The rest of a line pulled from, then each line scanned in place, with no array.
            while index < line.count {
                index += 1
                try body(line[index - 1])
            }
            try lines.forEach { next in
                var text = next
                try text.withUTF8 { bytes in
                    var at = 0
                    while let word = Word.next(in: bytes, from: &at) { try body(word) }
                }
            }
        }, chunks: { body in
            // As the drain, with the words of consecutive lines gathered into chunks.
            let capacity = Records<Word>.chunkCapacity
            let chunk = UnsafeMutablePointer<Word>.allocate(capacity: capacity)
            var filled = 0
            defer {
                chunk.deinitialize(count: filled)
                chunk.deallocate()
            }
            // `body` takes the words, also when it throws.
            func handOut() throws {
                defer { filled = 0 }
                try body(UnsafeMutableBufferPointer(start: chunk, count: filled))
            }
            while index < line.count {
                (chunk + filled).initialize(to: line[index])
                index += 1
                filled &+= 1
                if filled == capacity { try handOut() }
            }
            try lines.forEach { next in
                var text = next
                try text.withUTF8 { bytes in
                    var at = 0
                    while let word = Word.next(in: bytes, from: &at) {
                        (chunk + filled).initialize(to: word)
                        filled &+= 1
                        if filled == capacity { try handOut() }
                    }
                }
            }
            if filled > 0 { try handOut() }
        })
    }
}
