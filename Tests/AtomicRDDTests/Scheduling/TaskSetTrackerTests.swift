import AtomicActors
import Testing
@testable import AtomicRDD

/// The cluster backend's speculation and exclusion decisions, with a hand-made clock.
@Suite struct TaskSetTrackerTests {
    let a = NodeIdentity(endpoint: Endpoint(host: "10.0.0.1", port: 1), incarnation: 1)
    let b = NodeIdentity(endpoint: Endpoint(host: "10.0.0.2", port: 1), incarnation: 1)
    let t0 = ContinuousClock.now

    func launch(_ partition: Int, job: Int = 0, stage: Int = 1) -> TaskLaunch {
        TaskLaunch(spec: TaskSpec(taskId: 100 + partition, jobId: job, stageId: stage, stageAttempt: 0, partition: partition,
                                  attempt: 0, outputIndex: partition),
                   work: .result { _ in 0 }, cancellation: CancellationFlag())
    }

    func tracker(speculation: Bool = true) -> TaskSetTracker {
        var settings = TaskSetTracker.Settings()
        settings.speculation = speculation
        settings.minimumRuntime = .milliseconds(10)
        return TaskSetTracker(settings: settings)
    }

    @Test func aStragglerGetsOneCopyOnAnotherWorkerOnceMostTasksFinished() {
        var tracker = tracker()
        let launches = (0..<4).map { launch($0) }
        tracker.submitted(launches)
        let runs = launches.enumerated().map { i, l in tracker.started(l, on: i == 3 ? a : b, at: t0) }
        // Two of four finished: below the 75% quantile, no copy.
        for run in runs[0..<2] { _ = tracker.ended(run, succeeded: true, taskFailed: false, at: t0 + .milliseconds(20)) }
        #expect(tracker.copiesToLaunch(at: t0 + .seconds(5), freeSlots: [b, a]).isEmpty)
        _ = tracker.ended(runs[2], succeeded: true, taskFailed: false, at: t0 + .milliseconds(20))
        // Not yet 1.5 × the 20 ms median.
        #expect(tracker.copiesToLaunch(at: t0 + .milliseconds(25), freeSlots: [b]).isEmpty)
        // Only a slot on the straggler's own worker: no copy.
        #expect(tracker.copiesToLaunch(at: t0 + .seconds(1), freeSlots: [a]).isEmpty)
        let copies = tracker.copiesToLaunch(at: t0 + .seconds(1), freeSlots: [a, b])
        #expect(copies.map(\.0.spec.partition) == [3])
        #expect(copies.map(\.1) == [b])
        // Once copied, never again.
        #expect(tracker.copiesToLaunch(at: t0 + .seconds(2), freeSlots: [b]).isEmpty)
    }

    @Test func theFirstRunToFinishIsReportedAndTheOtherDropped() {
        var tracker = tracker()
        let task = launch(0)
        tracker.submitted([task])
        let original = tracker.started(task, on: a, at: t0)
        let copy = tracker.started(task, on: b, at: t0, isCopy: true)
        let first = tracker.ended(copy, succeeded: true, taskFailed: false, at: t0 + .milliseconds(5))
        #expect(first?.report == true)
        let second = tracker.ended(original, succeeded: true, taskFailed: false, at: t0 + .seconds(1))
        #expect(second?.report == false)
        #expect(tracker.copiesWon == 1)
        #expect(tracker.runs.isEmpty)
    }

    @Test func aFailureWhileAnotherRunMaySucceedIsNotReported() {
        var tracker = tracker()
        let task = launch(0)
        tracker.submitted([task])
        let original = tracker.started(task, on: a, at: t0)
        let copy = tracker.started(task, on: b, at: t0, isCopy: true)
        let first = tracker.ended(original, succeeded: false, taskFailed: true, at: t0)
        #expect(first?.report == false)
        let second = tracker.ended(copy, succeeded: false, taskFailed: true, at: t0)
        #expect(second?.report == true)
    }

    @Test func aWorkerIsExcludedFromAJobAfterRepeatedFailuresOnly() {
        var tracker = tracker(speculation: false)
        for partition in 0..<2 {
            let run = tracker.started(launch(partition, job: 7), on: a, at: t0)
            _ = tracker.ended(run, succeeded: false, taskFailed: true, at: t0)
            #expect(tracker.isExcluded(a, from: 7) == (partition == 1))
        }
        #expect(!tracker.isExcluded(b, from: 7))
        #expect(!tracker.isExcluded(a, from: 8))
        // A lost worker's runs are not task failures.
        let lost = tracker.started(launch(5, job: 9), on: b, at: t0)
        _ = tracker.ended(lost, succeeded: false, taskFailed: false, at: t0)
        #expect(!tracker.isExcluded(b, from: 9))
    }

    @Test func noCopiesWithoutSpeculation() {
        var tracker = tracker(speculation: false)
        let launches = (0..<2).map { launch($0) }
        tracker.submitted(launches)
        let first = tracker.started(launches[0], on: a, at: t0)
        _ = tracker.started(launches[1], on: a, at: t0)
        _ = tracker.ended(first, succeeded: true, taskFailed: false, at: t0 + .milliseconds(1))
        #expect(tracker.copiesToLaunch(at: t0 + .seconds(10), freeSlots: [b]).isEmpty)
    }
}
