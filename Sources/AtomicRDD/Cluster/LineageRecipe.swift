import Synchronization

/// How an operator's result is rebuilt on a worker: the operator's name, its
/// registered function, the Swift types and arguments it was called with, its
/// parent RDDs, and the RDD and shuffle ids it allocated on the driver (a
/// worker rebuilding it allocates the same ids, so shuffle files and cached
/// blocks are named alike everywhere).
struct LineageRecipe: Sendable {
    var operatorName: String
    var function: FunctionDescriptor?
    /// Mangled names of the Swift types the rebuild opens (see ``TypeNames``).
    var types: [String]
    var arguments: [UInt8]
    var parents: [AnyRDD]
    var rddIds: [Int] = []
    var shuffleIds: [Int] = []
}

/// The ids an operator allocates while it builds its RDDs: recorded on the
/// driver, replayed on a worker.
final class IdLog: Sendable {
    private let ids = Mutex<(rdds: [Int], shuffles: [Int])>(([], []))

    init(rdds: [Int] = [], shuffles: [Int] = []) { ids.withLock { $0 = (rdds, shuffles) } }

    /// Recording: an id was allocated.
    func recordRDD(_ id: Int) { ids.withLock { $0.rdds.append(id) } }
    /// Recording: a shuffle id was allocated.
    func recordShuffle(_ id: Int) { ids.withLock { $0.shuffles.append(id) } }

    /// Replaying: the next recorded RDD id, if any is left.
    func nextRDD() -> Int? { ids.withLock { $0.rdds.isEmpty ? nil : $0.rdds.removeFirst() } }
    /// Replaying: the next recorded shuffle id, if any is left.
    func nextShuffle() -> Int? { ids.withLock { $0.shuffles.isEmpty ? nil : $0.shuffles.removeFirst() } }

    var recorded: (rdds: [Int], shuffles: [Int]) { ids.withLock { $0 } }
}

/// The id logs of the operator being built by the current task.
enum IdLogs {
    /// Set while an operator records the ids it allocates (driver).
    @TaskLocal static var recording: IdLog?
    /// Set while a worker rebuilds an operator with the driver's ids.
    @TaskLocal static var replaying: IdLog?
}

extension AnyRDD {
    /// How to rebuild this RDD on a worker; nil when it cannot be (closures, or
    /// an operator that cluster mode does not ship yet).
    var recipe: LineageRecipe? { state.withLock { $0.recipe } }
}

extension Context {
    /// Builds an operator's result and attaches the recipe that rebuilds it on a
    /// worker. Nested operators record nothing of their own: the outermost one
    /// is what a worker replays.
    func recording<R: AnyRDD>(_ operatorName: String, function: FunctionDescriptor? = nil, types: [Any.Type] = [],
                              arguments: [UInt8] = [], parents: [AnyRDD], _ build: () throws -> R) rethrows -> R {
        if IdLogs.recording != nil || IdLogs.replaying != nil { return try build() }
        let log = IdLog()
        let result = try IdLogs.$recording.withValue(log) { try build() }
        let ids = log.recorded
        let recipe = LineageRecipe(operatorName: operatorName, function: function, types: types.map(TypeNames.name),
                                   arguments: arguments, parents: parents, rddIds: ids.rdds, shuffleIds: ids.shuffles)
        result.state.withLock { $0.recipe = recipe }
        return result
    }
}
