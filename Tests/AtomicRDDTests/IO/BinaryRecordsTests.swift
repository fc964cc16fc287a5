import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// `binaryRecords` cuts files into whole fixed-length records, each read once.
    @Suite struct BinaryRecordsTests {
        /// `count` records of `length` bytes, each different from the others.
        func records(_ count: Int, length: Int, seed: Int) -> [[UInt8]] {
            (0..<count).map { r in (0..<length).map { UInt8(truncatingIfNeeded: seed &* 31 &+ r &* 7 &+ $0) } }
        }

        @Test(arguments: EngineSetup.shippable)
        func every_record_is_read_once_for_every_partition_count(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            for length in [1, 3, 8] {
                let expected = records(37, length: length, seed: length)
                let file = try folder.write("r\(length).bin", bytes: Array(expected.joined()))
                try await setup.run { sc in
                    for minPartitions in 1...17 {
                        let rdd = try sc.binaryRecords(file, recordLength: length, minPartitions: minPartitions)
                        #expect(try await rdd.collect() == expected, "length \(length), minPartitions \(minPartitions)")
                    }
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_directory_of_files_reads_them_in_name_order(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let a = records(5, length: 4, seed: 1), b = records(11, length: 4, seed: 2)
            try folder.write("in/b.bin", bytes: Array(b.joined()))
            try folder.write("in/a.bin", bytes: Array(a.joined()))
            try folder.write("in/empty.bin", bytes: [])
            try await setup.run { sc in
                for minPartitions in [1, 2, 5, 17] {
                    let rdd = try sc.binaryRecords(folder.file("in"), recordLength: 4, minPartitions: minPartitions)
                    #expect(try await rdd.collect() == a + b)
                }
                let empty = try sc.binaryRecords(folder.file("in/empty.bin"), recordLength: 4)
                #expect(empty.partitionCount == 1)
                #expect(try await empty.count() == 0)
            }
        }

        @Test func record_splits_start_on_record_boundaries_and_cover_each_file() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let sizes = [40, 0, 43, 3, 4]
            let paths = try sizes.enumerated().map { try folder.write("s\($0.offset)", bytes: [UInt8](repeating: 1, count: $0.element)) }
            for minPartitions in 1...20 {
                let splits = try FileSplitter.recordSplits(of: paths, recordLength: 4, minPartitions: minPartitions)
                #expect(splits.allSatisfy { $0.start % 4 == 0 && $0.length > 0 })
                #expect(splits.count >= min(minPartitions, 22) / 2, "about minPartitions splits")
                for (path, size) in zip(paths, sizes) {
                    let mine = splits.filter { $0.path == path }
                    #expect(mine.map(\.length).reduce(0, +) == size)
                    #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.end == $1.start })
                    #expect(mine.dropLast().allSatisfy { $0.length % 4 == 0 }, "only a file's last split holds a partial record")
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_trailing_partial_record_is_a_typed_error_naming_file_and_offset(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let full = records(10, length: 4, seed: 3)
            let file = try folder.write("partial.bin", bytes: Array(full.joined()) + [9, 9, 9])
            let tiny = try folder.write("tiny.bin", bytes: [1, 2])
            try await setup.run(maxTaskFailures: 1) { sc in
                for minPartitions in [1, 3, 17] {
                    let rdd = try sc.binaryRecords(file, recordLength: 4, minPartitions: minPartitions)
                    let error = await #expect(throws: JobFailedError.self) { try await rdd.collect() }
                    #expect(error?.underlying as? InputError == .partialRecord(path: file, offset: 40, length: 3, recordLength: 4))
                    // The partitions before the one holding the partial record read fine.
                    let before = try await sc.runJob(rdd, partitions: Array(0..<(rdd.partitionCount - 1)), remote: .collect(rdd)) {
                        _, records in try records.collect()
                    }
                    let read = Array(before.joined())
                    #expect(read == Array(full.prefix(read.count)), "minPartitions \(minPartitions)")
                    #expect(minPartitions == 1 || !read.isEmpty)
                }
                let error = await #expect(throws: JobFailedError.self) { try await sc.binaryRecords(tiny, recordLength: 4).count() }
                #expect(error?.underlying as? InputError == .partialRecord(path: tiny, offset: 0, length: 2, recordLength: 4))
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func a_record_length_below_one_is_refused(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try folder.write("r.bin", bytes: [1, 2, 3])
            try await setup.run { sc in
                #expect(throws: EngineError.self) { try sc.binaryRecords(file, recordLength: 0) }
                #expect(throws: InputError.noInput(folder.file("none.bin"))) { try sc.binaryRecords(folder.file("none.bin"), recordLength: 1) }
            }
        }
    }
}
