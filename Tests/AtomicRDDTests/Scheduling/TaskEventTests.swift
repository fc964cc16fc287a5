import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct TaskEventTests {
        @Test(arguments: EngineSetup.shippable)
        func everyTaskOfAJobStartsThenEndsBeforeTheActionReturns(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let events = sc.taskEvents()
                #expect(try await sc.range(0, 300, numPartitions: 3).map(ClusterFunctions.Square()).count() == 300)
                // Every event of the job was posted before `count` returned.
                var iterator = events.makeAsyncIterator()
                var started: [Int: TaskInfo] = [:], ended: [Int: TaskInfo] = [:]
                while ended.count < 3, let event = await iterator.next() {
                    switch event {
                    case .started(let task):
                        #expect(started.updateValue(task, forKey: task.partition) == nil, "partition \(task.partition) started twice")
                    case .ended(let task, let succeeded):
                        #expect(succeeded)
                        #expect(started[task.partition] == task, "partition \(task.partition) ended before it started")
                        ended[task.partition] = task
                    }
                }
                #expect(Set(ended.keys) == [0, 1, 2])
                #expect(Set(ended.values.map(\.jobId)).count == 1)
                #expect(Set(ended.values.map(\.taskAttemptId)).count == 3)
                #expect(ended.values.allSatisfy { $0.attempt == 0 && !$0.executorId.isEmpty })
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aFailedTaskEndsUnsuccessfullyAndItsRetryStartsAgain(setup: EngineSetup) async throws {
            try await setup.run { sc async throws in
                let events = sc.taskEvents()
                let rdd = sc.parallelize(Array(0..<10), numPartitions: 2).map(ClusterFunctions.FailOnce(poison: 7))
                #expect(try await rdd.collect() == Array(0..<10))
                var iterator = events.makeAsyncIterator()
                var ends: [(partition: Int, attempt: Int, succeeded: Bool)] = []
                while ends.filter(\.succeeded).count < 2, let event = await iterator.next() {
                    if case .ended(let task, let succeeded) = event { ends.append((task.partition, task.attempt, succeeded)) }
                }
                #expect(ends.filter { !$0.succeeded }.map(\.partition) == [1])
                #expect(ends.filter { $0.partition == 1 }.map(\.attempt) == [0, 1])
            }
        }

        @Test func theStreamEndsWhenTheContextStops() async throws {
            let sc = try await Context(config: .local(cores: 1))
            let events = sc.taskEvents()
            _ = try await sc.range(0, 10, numPartitions: 2).count()
            await sc.stop()
            var count = 0
            for await _ in events { count += 1 }
            #expect(count == 4)
        }
    }
}
