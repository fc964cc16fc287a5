/// Runs `count` operations on `tasks` concurrent tasks (the first `count % tasks`
/// take one more); `operation` gets the task and the operation's index in it.
/// Returns operations per second.
func concurrentRate(tasks: Int, count: Int, _ operation: @escaping @Sendable (Int, Int) async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<tasks {
            let share = count / tasks + (task < count % tasks ? 1 : 0)
            group.addTask {
                for index in 0..<share { try await operation(task, index) }
            }
        }
        try await group.waitForAll()
    }
    return Double(count) / (ContinuousClock.now - start).seconds
}
