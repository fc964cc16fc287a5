import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// `textFile` reads every line exactly once, whatever the partition count.
    @Suite struct TextFileTests {
        @Test(arguments: EngineSetup.shippable)
        func every_line_is_read_exactly_once_for_every_partition_count(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc in
                for (i, text) in TextFixtures.tricky.enumerated() {
                    let file = try folder.write("t\(i).txt", text)
                    let expected = TextFixtures.lines(text)
                    for minPartitions in 1...17 {
                        let lines = try sc.textFile(file, minPartitions: minPartitions)
                        #expect(lines.partitionCount >= 1)
                        #expect(lines.partitionCount <= max(1, text.utf8.count), "no split without a byte")
                        #expect(try await lines.collect() == expected, "text \(i), minPartitions \(minPartitions)")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func random_text_reads_back_in_order_through_a_shuffle(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var generator = SystemRandomNumberGenerator()
            let text = TextFixtures.random(lines: 3000, &generator)
            let file = try folder.write("random.txt", text)
            let expected = TextFixtures.lines(text)
            var expectedCounts: [Int: Int] = [:]
            for line in expected { expectedCounts[line.utf8.count, default: 0] += 1 }
            try await setup.run { sc in
                for minPartitions in [1, 2, 7, 17] {
                    let lines = try sc.textFile(file, minPartitions: minPartitions)
                    #expect(try await lines.collect() == expected)
                    #expect(try await lines.count() == expected.count)
                    let counts = try await lines.map(ClusterFunctions.LengthWithOne()).reduceByKey(ClusterFunctions.Sum()).collect()
                    #expect(Dictionary(uniqueKeysWithValues: counts) == expectedCounts)
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_file_smaller_than_the_partition_count_reads_each_line_once(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try folder.write("small.txt", "ab\r\ncd")
            try await setup.run { sc in
                let lines = try sc.textFile(file, minPartitions: 17)
                #expect(lines.partitionCount == 6)
                #expect(try await lines.collect() == ["ab", "cd"])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func empty_files_give_one_empty_partition(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try folder.write("in/a.txt", "")
            try folder.write("in/b.txt", "")
            try await setup.run { sc in
                let lines = try sc.textFile(folder.file("in"), minPartitions: 4)
                #expect(lines.partitionCount == 1)
                #expect(try await lines.collect() == [])
                #expect(try await lines.count() == 0)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_directory_reads_its_visible_files_in_name_order(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let files = [("c.txt", "c1\nc2"), ("a.txt", "a1\r\na2\n"), ("b.log", ""), ("d.txt", "\n\nd3\n")]
            for (name, text) in files { try folder.write("in/\(name)", text) }
            try folder.write("in/_SUCCESS", "skipped\n")
            try folder.write("in/.hidden", "skipped\n")
            try folder.write("in/sub/nested.txt", "skipped\n")
            let expected = files.sorted { $0.0 < $1.0 }.flatMap { TextFixtures.lines($0.1) }
            try await setup.run { sc in
                for minPartitions in 1...17 {
                    let lines = try sc.textFile(folder.file("in"), minPartitions: minPartitions)
                    #expect(try await lines.collect() == expected, "minPartitions \(minPartitions)")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_glob_reads_only_the_matching_files(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try folder.write("in/part-00001", "b1\nb2\n")
            try folder.write("in/part-00000", "a1\na2")
            try folder.write("in/part-00002", "")
            try folder.write("in/other.txt", "skipped\n")
            try await setup.run { sc in
                for minPartitions in 1...17 {
                    let lines = try sc.textFile(folder.file("in/part-*"), minPartitions: minPartitions)
                    #expect(try await lines.collect() == ["a1", "a2", "b1", "b2"], "minPartitions \(minPartitions)")
                }
                #expect(try await sc.textFile(folder.file("in/part-0000?")).count() == 4)
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func lines_longer_than_the_read_buffer_span_splits(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let long = String(repeating: "x", count: 5 << 19)     // 2.5 MiB: longer than the 1 MiB chunks
            let file = try folder.write("long.txt", "first\n\(long)\nlast\n")
            try await setup.run { sc in
                let lengths = try await sc.textFile(file, minPartitions: 4).map(ClusterFunctions.Utf8Length()).collect()
                #expect(lengths == [5, long.utf8.count, 4])
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_missing_path_fails_at_the_call(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await setup.run { sc in
                let missing = folder.file("missing.txt")
                #expect(throws: InputError.noInput(missing)) { try sc.textFile(missing) }
                #expect(throws: InputError.noInput(folder.file("*.none"))) { try sc.textFile(folder.file("*.none")) }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_file_deleted_before_the_action_fails_the_job_with_a_typed_error(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try folder.write("gone.txt", "a\nb\n")
            try await setup.run(maxTaskFailures: 1) { sc in
                let lines = try sc.textFile(file)
                try FileManager.default.removeItem(atPath: file)
                let error = await #expect(throws: JobFailedError.self) { try await lines.collect() }
                #expect(error?.underlying as? InputError == .unreadable(path: file, reason: "cannot open"), "\(String(describing: error?.underlying))")
            }
        }
    }
}
