/// A job as a multi-process cluster runs it: its lineage as data, encoded once,
/// and the action its result tasks compute.
struct RemoteJob: Sendable {
    /// The encoded ``LineagePlan`` of the job's RDD.
    let plan: [UInt8]
    /// The job's RDD (the plan's last node).
    let rootId: Int
    /// The job's RDD itself, from which each task's slices are found.
    let root: AnyRDD
    /// The encoded partitions of each `parallelize` in the plan, by RDD id.
    let slices: [Int: [[UInt8]]]
    /// The action of the result tasks (see ``RemoteResult``).
    let result: String
    /// The registered function of the action, if any.
    let resultFunction: FunctionDescriptor?
    /// The action's other arguments, encoded (see ``RemoteResult/arguments``).
    var resultArguments: [UInt8] = []
    /// Decodes a result task's bytes into the value the action's job expects.
    let decode: @Sendable ([UInt8]) throws -> any Sendable
}
