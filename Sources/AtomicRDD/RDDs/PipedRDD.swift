/// Each partition piped through an external command: `pipe`.
///
/// Elements go to the command's standard input one a line (as
/// `String(describing:)` renders them) and the lines of its standard output
/// are the partition's elements. See ``PipedProcess`` for how the bytes move.
final class PipedRDD<Element: Sendable>: RDD<String>, @unchecked Sendable {
    // `@unchecked Sendable`: immutable after init.
    private let parent: RDD<Element>
    private let command: String
    private let arguments: [String]
    private let environment: [String: String]

    init(parent: RDD<Element>, command: String, arguments: [String], environment: [String: String]) {
        self.parent = parent
        self.command = command
        self.arguments = arguments
        self.environment = environment
        super.init(context: parent.context, partitionCount: parent.partitionCount,
                   dependencies: [NarrowDependency.oneToOne(parent)], operatorName: "pipe")
    }

    override func compute(_ split: Int, _ task: TaskContext) async throws -> Records<String> {
        var input = try await parent.iterator(split, task)
        let (command, arguments, environment) = (command, arguments, environment)
        var child: PipedProcess?
        var lines = LineSplitter()
        var ended = false
        let encode: (inout [UInt8]) throws -> Bool = { chunk in
            while chunk.count < PipedProcess.chunkSize {
                guard let element = try input.next() else { return true }
                Self.render(element, into: &chunk)
            }
            return false
        }
        // The child starts at the first pull, on the task thread.
        return Records {
            if child == nil, !ended {
                let started = try PipedProcess(command: command, arguments: arguments, environment: environment, task: task)
                task.onCompletion { started.abort() }
                child = started
            }
            while let process = child {
                if let line = lines.nextLine() { return line }
                guard let data = try process.nextOutput(encode: encode) else {
                    child = nil
                    ended = true
                    return lines.remainder()
                }
                lines.feed(data)
            }
            return nil
        }
    }

    /// Appends `element` and a newline, as UTF-8.
    private static func render(_ element: Element, into bytes: inout [UInt8]) {
        if let string = element as? String {
            bytes.append(contentsOf: string.utf8)
        } else {
            bytes.append(contentsOf: String(describing: element).utf8)
        }
        bytes.append(0x0A)
    }
}
