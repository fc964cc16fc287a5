import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// `wholeTextFiles` gives each file once, whole, with its path.
    @Suite struct WholeTextFilesTests {
        @Test(arguments: EngineSetup.shippable)
        func every_file_is_one_record_with_its_content(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            var expected: [(String, String)] = []
            for (i, text) in TextFixtures.tricky.enumerated() {
                expected.append((try folder.write("in/f\(String(format: "%02d", i)).txt", text), text))
            }
            try folder.write("in/_SUCCESS", "")
            try await setup.run { sc in
                for minPartitions in 1...14 {
                    let files = try sc.wholeTextFiles(folder.file("in"), minPartitions: minPartitions)
                    #expect(files.partitionCount == min(minPartitions, expected.count))
                    let records = try await files.collect()
                    #expect(records.map(\.0) == expected.map(\.0), "minPartitions \(minPartitions)")
                    #expect(records.map(\.1) == expected.map(\.1), "minPartitions \(minPartitions)")
                }
                let glob = try await sc.wholeTextFiles(folder.file("in/f0?.txt")).collect()
                #expect(glob.map(\.0) == expected.prefix(10).map(\.0))
                let one = try await sc.wholeTextFiles(expected[5].0, minPartitions: 3).collect()
                #expect(one.map(\.0) == [expected[5].0] && one.map(\.1) == [expected[5].1])
            }
        }

        @Test func file_groups_keep_order_and_give_every_group_a_file() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let sizes = [1000, 0, 3, 0, 0, 500, 7, 2000, 0, 1]
            let paths = try sizes.enumerated().map { try folder.write("g\($0.offset)", String(repeating: "x", count: $0.element)) }
            for minPartitions in 1...12 {
                let groups = try FileSplitter.fileGroups(of: paths, minPartitions: minPartitions)
                #expect(groups.count == min(minPartitions, paths.count))
                #expect(groups.allSatisfy { !$0.isEmpty })
                #expect(Array(groups.joined()) == paths)
            }
            #expect(try FileSplitter.fileGroups(of: [], minPartitions: 3) == [[]])
        }

        @Test(arguments: EngineSetup.shippable)
        func a_file_deleted_before_the_action_fails_the_job_with_a_typed_error(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try folder.write("gone.txt", "text")
            try await setup.run(maxTaskFailures: 1) { sc in
                let files = try sc.wholeTextFiles(file)
                try FileManager.default.removeItem(atPath: file)
                let error = await #expect(throws: JobFailedError.self) { try await files.collect() }
                if case .unreadable(let path, _)? = error?.underlying as? InputError {
                    #expect(path == file)
                } else {
                    Issue.record("expected InputError.unreadable, got \(String(describing: error))")
                }
            }
        }
    }
}
