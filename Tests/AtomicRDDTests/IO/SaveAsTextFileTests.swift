import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// `saveAsTextFile` writes a whole output folder or nothing.
    @Suite struct SaveAsTextFileTests {
        typealias F = SuiteActionFunctions

        /// The names of the part files of `partitions` partitions, and the marker.
        func layout(_ partitions: Int) -> [String] {
            (0..<partitions).map { String(format: "part-%05d", $0) } + ["_SUCCESS"]
        }

        @Test(arguments: EngineSetup.shippable)
        func saved_numbers_read_back_as_the_same_multiset(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc in
                let cases: [([Int], Int)] = [([], 1), ([], 3), ([42], 1), (Array(0..<10), 17), (Array(0..<5000), 4),
                                             (Array(repeating: 7, count: 100) + [-1, 0, Int.max, Int.min], 3)]
                for (i, (numbers, partitions)) in cases.enumerated() {
                    let out = folder.file("numbers-\(i)")
                    try await sc.parallelize(numbers, numPartitions: partitions).saveAsTextFile(out)
                    #expect(folder.contents("numbers-\(i)").sorted() == layout(partitions).sorted())
                    let back = try await sc.textFile(out, minPartitions: 3).map(F.ParseInt()).collect()
                    #expect(back.sorted() == numbers.sorted(), "case \(i)")
                    #expect(back.count == numbers.count)
                }
                #expect(folder.contents() == (0..<cases.count).map { "numbers-\($0)" }.sorted(), "no temporary folder is left")
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func saved_strings_read_back_as_they_were(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let strings = ["", "plain", "with space", "ünïcödé 中文 ✓", "", "tab\there", String(repeating: "long ", count: 20_000)]
            try await setup.run { sc in
                let out = folder.file("nested/deeper/strings")
                try await sc.parallelize(strings, numPartitions: 3).saveAsTextFile(out)
                #expect(try await sc.textFile(out).collect().sorted() == strings.sorted())
                let text = try String(contentsOfFile: (out as NSString).appendingPathComponent("part-00000"), encoding: .utf8)
                #expect(text == strings[0..<2].map { $0 + "\n" }.joined())
                #expect(folder.contents("nested/deeper") == ["strings"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func other_elements_are_written_as_they_describe_themselves(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc in
                let out = folder.file("pairs")
                try await sc.parallelize([("a", 1), ("b", 2)], numPartitions: 1).saveAsTextFile(out)
                #expect(try await sc.textFile(out).collect() == [#"("a", 1)"#, #"("b", 2)"#])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func an_existing_path_is_refused_before_any_task_runs(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try folder.write("out/part-00000", "old\n")
            try await setup.run { sc in
                let ran = sc.longAccumulator()
                let error = await #expect(throws: EngineError.self) {
                    try await sc.parallelize(1...10, numPartitions: 2).map(F.Tally(ran.handle)).saveAsTextFile(folder.file("out"))
                }
                if case .outputExists(let path)? = error {
                    #expect(path == folder.file("out"))
                } else {
                    Issue.record("expected outputExists, got \(String(describing: error))")
                }
                #expect(ran.value == 0)
                #expect(folder.contents() == ["out"])
                let kept = try await sc.textFile(folder.file("out")).collect()
                #expect(kept == ["old"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func overwrite_replaces_the_old_output_once_the_new_one_is_complete(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let out = folder.file("out")
            try await setup.run(maxTaskFailures: 1) { sc in
                try await sc.parallelize(["old-1", "old-2", "old-3"], numPartitions: 3).saveAsTextFile(out)
                // A failing overwrite keeps the old output.
                await #expect(throws: JobFailedError.self) {
                    try await sc.parallelize(1...10, numPartitions: 2).map(F.FailWhen.at(9)).saveAsTextFile(out, overwrite: true)
                }
                #expect(try await sc.textFile(out).collect() == ["old-1", "old-2", "old-3"])
                #expect(folder.contents() == ["out"])
                try await sc.parallelize(["new"], numPartitions: 1).saveAsTextFile(out, overwrite: true)
                #expect(try await sc.textFile(out).collect() == ["new"])
                #expect(folder.contents("out") == layout(1).sorted())
                #expect(folder.contents() == ["out"], "no temporary or replaced folder is left")
                // Overwriting a path that does not exist just writes it.
                try await sc.parallelize(["fresh"], numPartitions: 1).saveAsTextFile(folder.file("fresh"), overwrite: true)
                #expect(try await sc.textFile(folder.file("fresh")).collect() == ["fresh"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_failing_job_leaves_neither_output_nor_temporary_folder(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run(maxTaskFailures: 1) { sc in
                for failing in [0, 2_500, 19_999] {
                    let error = await #expect(throws: JobFailedError.self) {
                        try await sc.parallelize(0..<20_000, numPartitions: 4).map(F.FailWhen.at(failing)).saveAsTextFile(folder.file("out"))
                    }
                    #expect(error?.underlying is F.InjectedFailure)
                    #expect(folder.contents() == [], "failing element \(failing)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_cancelled_save_leaves_neither_output_nor_temporary_folder(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc async throws in
                // Slowed down (a pause every 50 numbers: at least a second a partition), so the
                // save is still running when it is cancelled, once its first task has started.
                let numbers = sc.range(0, 200_000, numPartitions: 4).map(ClusterFunctions.Pause(milliseconds: 1, every: 50))
                let out = folder.file("out")
                let events = sc.taskEvents()
                let save = Task { try await numbers.saveAsTextFile(out) }
                _ = await events.first { if case .started = $0 { true } else { false } }
                save.cancel()
                await #expect(throws: CancellationError.self) { try await save.value }
                #expect(folder.contents() == [])
                // The Context stays usable.
                #expect(try await sc.range(0, 10).count() == 10)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_retried_task_leaves_no_partial_or_repeated_lines(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let numbers = Array(0..<40_000)
            try await setup.run { sc in
                // Each partition's first attempt fails after writing more than a buffer's worth of lines.
                try await sc.parallelize(numbers, numPartitions: 2)
                    .map(F.FailWhen(attemptsBelow: 1, valueModulus: 20_000, valueRemainder: 15_000))
                    .saveAsTextFile(folder.file("out"))
                #expect(folder.contents("out") == layout(2).sorted(), "no attempt files are left")
                let back = try await sc.textFile(folder.file("out")).map(F.ParseInt()).collect()
                #expect(back == numbers)
            }
        }
    }
}
