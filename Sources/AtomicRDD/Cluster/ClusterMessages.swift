import AtomicActors

/// What a worker tells the driver when it joins.
struct WorkerRegistration: Sendable, WireCodable {
    var node: NodeIdentity
    var cores: Int
    var memory: Int
    /// The worker's ``FunctionRegistry/fingerprint``: it must equal the driver's.
    var fingerprint: UInt64
    /// The worker's process id (on its host).
    var processId: Int32

    func encode(to writer: inout WireWriter) {
        writer.write(node)
        writer.write(cores)
        writer.write(memory)
        writer.write(fingerprint)
        writer.write(processId)
    }

    init(node: NodeIdentity, cores: Int, memory: Int, fingerprint: UInt64, processId: Int32) {
        self.node = node
        self.cores = cores
        self.memory = memory
        self.fingerprint = fingerprint
        self.processId = processId
    }

    init(from reader: inout WireReader) throws(WireError) {
        node = try reader.read()
        cores = try reader.read()
        memory = try reader.read()
        fingerprint = try reader.read()
        processId = try reader.read()
    }
}

/// One task as the driver ships it to a worker.
struct TaskDescriptor: Sendable, WireCodable {
    var taskId = 0, jobId = 0, stageId = 0, stageAttempt = 0, partition = 0, attempt = 0
    /// The shuffle a map task writes; -1 for a result task.
    var shuffleId = -1
    /// The action a result task computes (see ``RemoteResult``).
    var result = ""
    /// The registered function of the action, if any.
    var resultFunction: FunctionDescriptor?
    /// The action's other arguments, encoded (see ``RemoteResult/arguments``).
    var resultArguments: [UInt8] = []
    /// The job's encoded ``LineagePlan``.
    var plan: [UInt8] = []
    /// The id of the job's RDD in the plan.
    var rootId = 0
    /// For each shuffle the task may read: the node holding each map output.
    var locations: [Int: [NodeIdentity?]] = [:]
    /// Result bytes above this size stay on the worker as a block the driver fetches.
    var resultInlineLimit = 1 << 20
    /// On an in-process cluster: the token under which the driver left the task
    /// itself (see ``InProcessHandoff``); -1 when the task travels as its plan.
    var handoffToken = -1
    /// For each shuffle the task may read: an estimate of the largest bucket of
    /// each map output, in bytes (what bounds the bytes a reducer has in flight).
    var bucketBytes: [Int: [Int]] = [:]
    /// The most estimated bytes of remote buckets a reducer requests at once.
    var maxBytesInFlight = ShuffleSource.defaultMaxBytesInFlight
    /// The encoded `parallelize` partitions the task reads, by RDD id and partition.
    var slices: [Int: [Int: [UInt8]]] = [:]

    init() {}

    func encode(to writer: inout WireWriter) {
        for value in [taskId, jobId, stageId, stageAttempt, partition, attempt, shuffleId, rootId] { writer.write(value) }
        writer.write(result)
        writer.write(resultFunction)
        writer.write(plan)
        writer.write(locations)
        writer.write(resultInlineLimit)
        writer.write(handoffToken)
        writer.write(bucketBytes)
        writer.write(maxBytesInFlight)
        writer.write(slices)
        writer.write(resultArguments)
    }

    init(from reader: inout WireReader) throws(WireError) {
        taskId = try reader.read()
        jobId = try reader.read()
        stageId = try reader.read()
        stageAttempt = try reader.read()
        partition = try reader.read()
        attempt = try reader.read()
        shuffleId = try reader.read()
        rootId = try reader.read()
        result = try reader.read()
        resultFunction = try reader.read()
        plan = try reader.read()
        locations = try reader.read()
        resultInlineLimit = try reader.read()
        handoffToken = try reader.read()
        bucketBytes = try reader.read()
        maxBytesInFlight = try reader.read()
        slices = try reader.read()
        resultArguments = try reader.read()
    }
}

/// How a shipped task ended, as the worker reports it.
enum TaskReport: Sendable, WireCodable {
    /// A map task wrote its output: approximate bytes per reducer and records.
    case mapOutput(bytesPerReducer: [Int], records: Int)
    /// A result task's encoded value.
    case result([UInt8])
    /// A result task's value, too large to travel in the reply: a block of
    /// `size` bytes the driver fetches from the worker under `token`.
    case resultBlock(token: Int, size: Int)
    /// A map output could not be fetched.
    case fetchFailed(shuffleId: Int, mapIndex: Int)
    /// The task threw: the error's type and description.
    case failed(type: String, message: String)
    /// On an in-process cluster: the task ended and left its outcome under its
    /// handoff token (see ``InProcessHandoff``).
    case handedOff(token: Int)
    /// The task threw an error that is `WireCodable`: its mangled type name and
    /// encoded value travel too, and the driver rebuilds the error itself.
    case failedWithValue(type: String, message: String, mangledType: String, value: [UInt8])

    func encode(to writer: inout WireWriter) {
        switch self {
        case let .mapOutput(bytes, records):
            writer.write(UInt8(0)); writer.write(bytes); writer.write(records)
        case let .result(value):
            writer.write(UInt8(1)); writer.write(value)
        case let .fetchFailed(shuffleId, mapIndex):
            writer.write(UInt8(2)); writer.write(shuffleId); writer.write(mapIndex)
        case let .failed(type, message):
            writer.write(UInt8(3)); writer.write(type); writer.write(message)
        case let .resultBlock(token, size):
            writer.write(UInt8(4)); writer.write(token); writer.write(size)
        case let .handedOff(token):
            writer.write(UInt8(5)); writer.write(token)
        case let .failedWithValue(type, message, mangledType, value):
            writer.write(UInt8(6)); writer.write(type); writer.write(message); writer.write(mangledType); writer.write(value)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        switch try reader.read(UInt8.self) {
        case 0: self = .mapOutput(bytesPerReducer: try reader.read(), records: try reader.read())
        case 1: self = .result(try reader.read())
        case 2: self = .fetchFailed(shuffleId: try reader.read(), mapIndex: try reader.read())
        case 3: self = .failed(type: try reader.read(), message: try reader.read())
        case 4: self = .resultBlock(token: try reader.read(), size: try reader.read())
        case 5: self = .handedOff(token: try reader.read())
        case 6: self = .failedWithValue(type: try reader.read(), message: try reader.read(), mangledType: try reader.read(),
                                        value: try reader.read())
        case let tag: throw .unknownTag(offset: reader.offset, tag: UInt64(tag), type: "TaskReport")
        }
    }
}

extension TaskReport {
    /// How a task that threw `error` ended: with the error's value when it is `WireCodable`.
    static func failure(_ error: any Error) -> TaskReport {
        let type = String(reflecting: Swift.type(of: error)), message = "\(error)"
        if let codable = error as? any WireCodable, let mangled = _mangledTypeName(Swift.type(of: error)) {
            return .failedWithValue(type: type, message: message, mangledType: mangled, value: codable.wireBytes())
        }
        return .failed(type: type, message: message)
    }

    /// The error a worker reported, rebuilt as itself when its type is `WireCodable`
    /// and known here, otherwise as a ``RemoteTaskError``.
    static func error(type: String, message: String, mangledType: String?, value: [UInt8], worker: String) -> any Error {
        if let mangledType, let errorType = _typeByName(mangledType) as? any (Error & WireCodable).Type {
            var reader = WireReader(value)
            if let error = try? errorType.init(from: &reader) { return error }
        }
        return RemoteTaskError(typeName: type, message: message, worker: worker)
    }
}

/// An error a task threw on a worker, as the driver sees it.
public struct RemoteTaskError: Error, Sendable, CustomStringConvertible {
    /// The Swift type of the original error.
    public let typeName: String
    /// The original error's description.
    public let message: String
    /// The worker the task ran on.
    public let worker: String

    /// "TypeName on worker: message".
    public var description: String { "\(typeName) on worker \(worker): \(message)" }
}

extension WellKnownPath {
    /// The driver's ``DriverService``, where workers register.
    static let atomicDriver = "/system/atomic-driver"
    /// A worker's ``WorkerService``, which runs tasks and serves shuffle buckets.
    static let atomicWorker = "/system/atomic-worker"
}

/// What a worker sends back for a task: how it ended, and on success the
/// partial values of the accumulators its functions added to, by id.
struct TaskReply: Sendable, WireCodable {
    var report: TaskReport
    var accumulators: [Int: [UInt8]]

    init(report: TaskReport, accumulators: [Int: [UInt8]]) {
        self.report = report
        self.accumulators = accumulators
    }

    func encode(to writer: inout WireWriter) {
        writer.write(report)
        writer.write(accumulators)
    }

    init(from reader: inout WireReader) throws(WireError) {
        report = try reader.read()
        accumulators = try reader.read()
    }
}
