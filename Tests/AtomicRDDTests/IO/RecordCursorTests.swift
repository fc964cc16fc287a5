import Foundation
import Testing
@testable import AtomicRDD

extension EngineSuite {
    /// `RecordCursor` reads the records of a split through a buffer it reuses
    /// from chunk to chunk.
    @Suite struct RecordCursorTests {
        /// 40 records of 5 bytes, record i holding the bytes i, i+1, ..., i+4.
        func recordsFile(_ folder: TemporaryFolder) throws -> (path: String, records: [[UInt8]]) {
            let records = (0..<40).map { i in (0..<5).map { UInt8(i + $0) } }
            return (try folder.write("records.bin", bytes: records.flatMap { $0 }), records)
        }

        @Test func readsEveryRecordOfTheSplitAcrossChunks() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let (path, records) = try recordsFile(folder)
            // Chunks of 3 records (16 bytes), 7 chunks for records 3..<23; then 1-record chunks.
            for chunkSize in [16, 5, 1 << 20] {
                let cursor = RecordCursor(split: FileSplit(path: path, start: 15, length: 100), recordLength: 5, chunkSize: chunkSize)
                var read: [[UInt8]] = []
                while let record = try cursor.next() { read.append(record) }
                #expect(read == Array(records[3..<23]), "chunk size \(chunkSize)")
                #expect(try cursor.next() == nil, "chunk size \(chunkSize): read after the end")
            }
        }

        @Test func extreme_splits_and_record_lengths_from_a_descriptor_read_what_fits_never_trap() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let (path, _) = try recordsFile(folder)
            let huge = RecordCursor(split: FileSplit(path: path, start: 0, length: 200), recordLength: Int.max)
            #expect(try huge.next() == nil, "no record of Int.max bytes fits the split")
            #expect(try RecordCursor(split: FileSplit(path: path, start: 195, length: 5), recordLength: Int.max - 1).next() == nil)
            // A split running to Int.max is longer than the file: as for a file that shrank, a typed error.
            let endless = RecordCursor(split: FileSplit(path: path, start: 195, length: Int.max - 195), recordLength: 5)
            #expect(throws: InputError.self) { _ = try endless.next() }
        }

        @Test func aFileThatShrankSinceItWasSplitIsAnError() throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let (path, records) = try recordsFile(folder)
            let cursor = RecordCursor(split: FileSplit(path: path, start: 0, length: 200), recordLength: 5, chunkSize: 50)
            #expect(try cursor.next() == records[0])
            // Cut the file to 12 records in place: the second chunk (records 10..<20) ends early.
            let writer = try #require(FileHandle(forWritingAtPath: path))
            try writer.truncate(atOffset: 60)
            try writer.close()
            var read = 1
            #expect(throws: InputError.self) {
                while try cursor.next() != nil { read += 1 }
            }
            #expect(read == 10)
        }
    }
}
