import Synchronization

/// A task executor that runs nothing until told to: a test's way to hold a task
/// at its next suspension point (a yield, say) while something else happens.
final class HeldTaskExecutor: TaskExecutor, @unchecked Sendable {
    // UnownedJob is not Sendable; the mutex guards the only access.
    private let jobs = Mutex<[UnownedJob]>([])

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
    }

    /// Jobs waiting to run.
    var heldCount: Int { jobs.withLock { $0.count } }

    /// Runs the jobs held now on the calling thread; jobs they enqueue are held.
    func runHeldJobs() {
        let now = jobs.withLock { held in
            defer { held.removeAll() }
            return held
        }
        for job in now { job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
