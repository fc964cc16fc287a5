/// Places tasks on executor task slots, first come first served; lives on the
/// driver. In local mode there is one executor with `cores` slots.
actor TaskScheduler: TaskBackend {
    private let executor: Executor
    private var freeSlots: Int
    private var queue: [TaskLaunch] = []
    private weak var dag: DAGScheduler?

    init(executor: Executor, slots: Int) {
        self.executor = executor
        self.freeSlots = slots
    }

    func attach(_ dag: DAGScheduler) { self.dag = dag }

    func submit(_ launches: [TaskLaunch]) async {
        queue += launches
        await dispatch()
    }

    func cancelJob(_ jobId: Int) async {
        queue.removeAll { $0.spec.jobId == jobId }
    }

    func slotFreed() async {
        freeSlots += 1
        await dispatch()
    }

    /// Tasks waiting for a slot.
    var queuedTasks: Int { queue.count }

    private func dispatch() async {
        guard let dag else { return }
        while freeSlots > 0, !queue.isEmpty {
            freeSlots -= 1
            let launch = queue.removeFirst()
            dag.events.post(.started(TaskInfo(launch.spec, executorId: executor.environment.executorId)))
            await executor.launch(launch, dag: dag, scheduler: self)
        }
    }
}
