import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// The DAG scheduler's state machine driven by hand, in the style of Spark's
    /// DAGSchedulerSuite: no executor runs; tests complete tasks and check the
    /// directives, and every test ends by asserting no state leaked.
    @Suite struct SchedulerStateTests {
        /// Lineage: parallelize(4) -> map -> reduceByKey(2) [-> map -> reduceByKey(3)].
        final class Graph: Sendable {
            let sc: Context
            let source: RDD<(Int, Int)>
            let firstShuffle: RDD<(Int, Int)>
            let secondShuffle: RDD<(Int, Int)>
            init() async throws {
                sc = try await Context(config: .local(cores: 1))
                source = sc.parallelize(Array(0..<8), numPartitions: 4).map { ($0, $0) }
                firstShuffle = source.reduceByKey(numPartitions: 2, +)
                secondShuffle = firstShuffle.map { ($0.0 % 3, $0.1) }.reduceByKey(numPartitions: 3, +)
            }
        }

        static func launched(_ directives: [SchedulerState.Directive]) -> [TaskSpec] {
            directives.flatMap { directive -> [TaskSpec] in
                if case .launch(let tasks) = directive { return tasks }
                return []
            }
        }

        static func status() -> MapStatus { MapStatus(executorId: "driver", bytesPerReducer: [], records: 0) }

        static func succeeded(_ directives: [SchedulerState.Directive], job: Int) -> Bool {
            directives.contains { if case .jobSucceeded(let id) = $0 { return id == job }; return false }
        }

        static func failure(_ directives: [SchedulerState.Directive]) -> (any Error)? {
            for directive in directives { if case .jobFailed(_, let error) = directive { return error } }
            return nil
        }

        @Test func jobWithoutShuffleLaunchesOneTaskPerPartitionAndSucceeds() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 4)
            let tasks = Self.launched(state.submitJob(0, rdd: graph.source, partitions: [0, 1, 2, 3]))
            #expect(tasks.map(\.partition) == [0, 1, 2, 3])
            #expect(tasks.allSatisfy { $0.outputIndex != nil && $0.attempt == 0 })
            for task in tasks.dropLast() {
                let directives = state.taskEnded(task, .result(task.partition))
                #expect(!Self.succeeded(directives, job: 0))
            }
            #expect(Self.succeeded(state.taskEnded(tasks.last!, .result(3)), job: 0))
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }

        @Test func mapStagesRunBeforeTheStagesThatReadThem() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 4)
            let first = Self.launched(state.submitJob(7, rdd: graph.secondShuffle, partitions: [0, 1, 2]))
            #expect(first.count == 4 && first.allSatisfy { $0.outputIndex == nil })
            var second: [TaskSpec] = []
            for task in first { second += Self.launched(state.taskEnded(task, .mapOutput(Self.status()))) }
            #expect(second.count == 2 && second.allSatisfy { $0.outputIndex == nil && $0.stageId != first[0].stageId })
            var results: [TaskSpec] = []
            for task in second { results += Self.launched(state.taskEnded(task, .mapOutput(Self.status()))) }
            #expect(results.map(\.outputIndex) == [0, 1, 2])
            var directives: [SchedulerState.Directive] = []
            for task in results { directives += state.taskEnded(task, .result(0)) }
            #expect(Self.succeeded(directives, job: 7))
            #expect(state.isIdle, "\(state.inFlight)")
            // A second job reuses both shuffles' outputs: only result tasks run.
            let again = Self.launched(state.submitJob(8, rdd: graph.secondShuffle, partitions: [1]))
            #expect(again.count == 1 && again[0].outputIndex == 0 && again[0].partition == 1)
            #expect(Self.succeeded(state.taskEnded(again[0], .result(1)), job: 8))
            #expect(state.isIdle && state.shuffleStageCount == 2)
            await graph.sc.stop()
        }

        @Test func failedTaskIsRelaunchedUntilMaxFailuresThenTheJobFails() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 3)
            let tasks = Self.launched(state.submitJob(1, rdd: graph.source, partitions: [0, 1, 2, 3]))
            var task = tasks[2]
            for attempt in 1..<3 {
                let retry = Self.launched(state.taskEnded(task, .failed(InjectedFailure(partition: 2))))
                #expect(retry.count == 1 && retry[0].partition == 2 && retry[0].attempt == attempt)
                task = retry[0]
            }
            let directives = state.taskEnded(task, .failed(InjectedFailure(partition: 2)))
            let failure = try #require(Self.failure(directives) as? JobFailedError)
            #expect(failure.partition == 2 && failure.attempts == 3 && failure.jobId == 1)
            // Late reports of the failed job's other tasks are ignored.
            #expect(state.taskEnded(tasks[0], .result(0)).isEmpty)
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }

        @Test func accumulatorUpdatesApplyOnceWhenAPartitionSucceedsTwice() async throws {
            let graph = try await Graph()
            let counter = graph.sc.longAccumulator()
            var state = SchedulerState(maxTaskFailures: 4)
            let tasks = Self.launched(state.submitJob(2, rdd: graph.firstShuffle, partitions: [0, 1]))
            let update = PartialAccumulation(accumulator: counter, value: 5)
            func applied(_ directives: [SchedulerState.Directive]) -> Int {
                directives.filter { if case .applyAccumulators = $0 { return true }; return false }.count
            }
            #expect(applied(state.taskEnded(tasks[0], .mapOutput(Self.status()), accumulators: [update])) == 1)
            // The same map partition reported again (a speculative copy): not counted.
            #expect(applied(state.taskEnded(tasks[0], .mapOutput(Self.status()), accumulators: [update])) == 0)
            var results: [TaskSpec] = []
            for task in tasks.dropFirst() { results += Self.launched(state.taskEnded(task, .mapOutput(Self.status()))) }
            #expect(applied(state.taskEnded(results[0], .result(0), accumulators: [update])) == 1)
            #expect(applied(state.taskEnded(results[0], .result(0), accumulators: [update])) == 0)
            _ = state.taskEnded(results[1], .result(0))
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }

        @Test func fetchFailureResubmitsTheParentStageThenTheChild() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 4, maxStageAttempts: 3)
            let maps = Self.launched(state.submitJob(3, rdd: graph.firstShuffle, partitions: [0, 1]))
            var results: [TaskSpec] = []
            for task in maps { results += Self.launched(state.taskEnded(task, .mapOutput(Self.status()))) }
            #expect(results.count == 2)
            let shuffleId = try #require((graph.firstShuffle.dependencies.first as? ShuffleDependencyBase)?.shuffleId)
            // Reduce task 0 finds map output 1 gone: map 1 reruns, then both reduce tasks.
            let rerun = Self.launched(state.taskEnded(results[0], .fetchFailed(shuffleId: shuffleId, mapIndex: 1)))
            #expect(rerun.map(\.partition) == [1] && rerun[0].outputIndex == nil && rerun[0].stageAttempt == 1)
            // The old attempt's other reduce task reports late: ignored.
            #expect(state.taskEnded(results[1], .result(1)).isEmpty)
            let retried = Self.launched(state.taskEnded(rerun[0], .mapOutput(Self.status())))
            #expect(retried.map(\.partition) == [0, 1] && retried.allSatisfy { $0.stageAttempt == 1 })
            var directives: [SchedulerState.Directive] = []
            for task in retried { directives += state.taskEnded(task, .result(0)) }
            #expect(Self.succeeded(directives, job: 3))
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }

        @Test func repeatedFetchFailuresFailTheJobAfterMaxStageAttempts() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 4, maxStageAttempts: 2)
            let shuffleId = try #require((graph.firstShuffle.dependencies.first as? ShuffleDependencyBase)?.shuffleId)
            var pending = Self.launched(state.submitJob(4, rdd: graph.firstShuffle, partitions: [0, 1]))
            var failure: (any Error)?
            for _ in 0..<10 where failure == nil {
                guard let task = pending.first else { break }
                pending.removeFirst()
                let directives = task.outputIndex == nil
                    ? state.taskEnded(task, .mapOutput(Self.status()))
                    : state.taskEnded(task, .fetchFailed(shuffleId: shuffleId, mapIndex: 0))
                pending += Self.launched(directives)
                failure = Self.failure(directives)
            }
            let error = try #require(failure as? JobFailedError)
            #expect(error.underlying is EngineError)
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }

        @Test func cancelledJobEndsAndLateTasksAreIgnored() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 4)
            let tasks = Self.launched(state.submitJob(5, rdd: graph.firstShuffle, partitions: [0, 1]))
            let directives = state.cancelJob(5)
            #expect(Self.failure(directives) is CancellationError)
            #expect(state.isIdle, "\(state.inFlight)")
            #expect(Self.launched(state.taskEnded(tasks[0], .mapOutput(Self.status()))).isEmpty)
            #expect(state.cancelJob(5).isEmpty)
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }

        @Test func twoJobsShareARunningMapStage() async throws {
            let graph = try await Graph()
            var state = SchedulerState(maxTaskFailures: 4)
            let maps = Self.launched(state.submitJob(10, rdd: graph.firstShuffle, partitions: [0]))
            #expect(maps.count == 4)
            // The second job waits for the same map stage instead of launching it again.
            #expect(Self.launched(state.submitJob(11, rdd: graph.firstShuffle, partitions: [1])).isEmpty)
            var results: [TaskSpec] = []
            for task in maps { results += Self.launched(state.taskEnded(task, .mapOutput(Self.status()))) }
            #expect(Set(results.map(\.jobId)) == [10, 11])
            var directives: [SchedulerState.Directive] = []
            for task in results { directives += state.taskEnded(task, .result(0)) }
            #expect(Self.succeeded(directives, job: 10) && Self.succeeded(directives, job: 11))
            #expect(state.isIdle, "\(state.inFlight)")
            await graph.sc.stop()
        }
    }
}
