import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    @Suite struct PipeTests {
        typealias F = SuiteActionFunctions
        @Test(arguments: EngineSetup.shippable)
        func catPassesEveryLineThrough(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let lines = (0..<50).map { "line \($0) ümlaut" }
                for partitions in [1, 3] {
                    let piped = sc.parallelize(lines, numPartitions: partitions).pipe(command: "cat")
                    #expect(piped.partitionCount == partitions)
                    #expect(try await piped.collect() == lines)
                }
                // More partitions than elements: the empty ones run `cat` on no input.
                #expect(try await sc.parallelize(["a", "b"], numPartitions: 5).pipe(command: "cat").collect() == ["a", "b"])
                // Elements are rendered with String(describing:).
                #expect(try await sc.parallelize([1, 22, -3], numPartitions: 2).pipe(command: "cat").collect() == ["1", "22", "-3"])
                #expect(try await sc.emptyRDD(of: String.self).pipe(command: "/bin/cat").collect().isEmpty)
                #expect(try await sc.parallelize(["", "a", ""], numPartitions: 1).pipe(command: "cat").collect() == ["", "a", ""])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func trTransformsTheStream(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let words = ["apple", "Kiwi", "fig tree"]
                let upper = try await sc.parallelize(words, numPartitions: 2).pipe(command: "tr", arguments: ["a-z", "A-Z"]).collect()
                #expect(upper == words.map { $0.uppercased() })
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func largeInputsStreamWithoutDeadlock(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                // A megabyte each way: more than the pipe buffers and the queues hold.
                let count = 40_000
                let piped = sc.range(0, count, numPartitions: 2).map(F.Padded(fill: "x", count: 20)).pipe(command: "cat")
                var expected = 0
                var ok = true
                for (i, line) in try await piped.collect().enumerated() {
                    ok = ok && line == "\(i) \(String(repeating: "x", count: 20))"
                    expected += 1
                }
                #expect(ok && expected == count)
                // `sort` reads everything before writing anything.
                let sorted = try await sc.range(0, 30_000, numPartitions: 1).map(F.Countdown(from: 29_999))
                    .pipe(command: "sort", arguments: ["-n"]).collect()
                #expect(sorted == (0..<30_000).map(String.init))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aCommandThatStopsReadingEndsItsInputCleanly(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let firsts = try await sc.range(0, 200_000, numPartitions: 2).pipe(command: "head", arguments: ["-n", "1"]).collect()
                #expect(firsts == ["0", "100000"])
                // Output with no final newline, and no reading at all.
                let printed = try await sc.parallelize([1, 2], numPartitions: 2)
                    .pipe(command: "sh", arguments: ["-c", "printf 'a\\nb'"]).collect()
                #expect(printed == ["a", "b", "a", "b"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func environmentIsAddedToTheCommands(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let out = try await sc.parallelize(["x"], numPartitions: 1)
                    .pipe(command: "sh", arguments: ["-c", "cat >/dev/null; echo \"$ATOMIC_TEST_VALUE\"; test -n \"$PATH\" && echo path"],
                          environment: ["ATOMIC_TEST_VALUE": "hello there"])
                    .collect()
                #expect(out == ["hello there", "path"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aFailingCommandFailsTheJobWithItsStatusAndStandardError(setup: EngineSetup) async throws {
            try await setup.run(maxTaskFailures: 1) { sc throws in
                let rdd = sc.parallelize(["a", "b", "c"], numPartitions: 2)
                let failing = rdd.pipe(command: "sh", arguments: ["-c", "echo oops >&2; exit 3"])
                let (status, tail) = try await Self.commandFailure(of: failing)
                #expect(status == 3)
                #expect(tail.contains("oops"))

                // A long standard error is cut to its last KiB.
                let noisy = rdd.pipe(command: "sh", arguments: ["-c", "i=0; while [ $i -lt 300 ]; do echo \"noise $i\" >&2; i=$((i+1)); done; exit 9"])
                let (noisyStatus, noisyTail) = try await Self.commandFailure(of: noisy)
                #expect(noisyStatus == 9)
                #expect(noisyTail.utf8.count <= 1024 && noisyTail.hasSuffix("noise 299\n") && !noisyTail.contains("noise 1\n"))

                let missing = rdd.pipe(command: "atomic-no-such-command-here")
                #expect(try await Self.commandFailure(of: missing).status == 127)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func recordLoopsStayOnTheTaskThread(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                let before = sc.longAccumulator(), after = sc.longAccumulator()
                let lines = try await sc.range(0, 5000, numPartitions: 3)
                    .map(F.Tally(before.handle))
                    .pipe(command: "cat")
                    .map(F.TallyLines(after.handle))
                    .collect()
                #expect(lines.count == 5000)
                #expect(before.value == 5000 && after.value == 5000)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aTaskThatStopsReadingStopsTheCommand(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                // `yes` never ends by itself: only the task's end stops it.
                // Each task reads the first line only.
                let firsts = try await sc.parallelize([0], numPartitions: 2).pipe(command: "yes", arguments: ["y"])
                    .mapPartitionsWithIndex(F.FirstOfPartition()).collect()
                #expect(firsts == ["y", "y"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func commandsStartWithNoSignalBlocked(setup: EngineSetup) async throws {
            try await setup.run { sc throws in
                // Task threads block most signals; a child inheriting that mask would ignore SIGTERM.
                let masks = try await sc.parallelize([1, 2], numPartitions: 2)
                    .pipe(command: "grep", arguments: ["SigBlk", "/proc/self/status"]).collect()
                #expect(masks == ["SigBlk:\t0000000000000000", "SigBlk:\t0000000000000000"])
            }
        }

        /// The status and standard error tail of the command whose failure failed a job over `rdd`.
        static func commandFailure(of rdd: RDD<String>) async throws -> (status: Int32, tail: String) {
            do {
                _ = try await rdd.collect()
            } catch let error as JobFailedError {
                #expect(error.attempts == 1)
                if case let .commandFailed(_, status, tail)? = error.underlying as? EngineError { return (status, tail) }
                Issue.record("wrong underlying error \(error.underlying)")
                return (-1, "")
            }
            Issue.record("the command's failure did not fail the job")
            return (-1, "")
        }
    }
}
