import Foundation
import Testing
@testable import AtomicRDD

@Suite struct OutputCommitterTests {
    @Test func an_abort_removes_the_temporary_folder_while_a_late_writer_still_makes_files_in_it() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let committer = try OutputCommitter(target: folder.file("out"), overwrite: false)
        let temporary = committer.temporary
        for index in 0..<200 { try folder.write((temporary as NSString).lastPathComponent + "/old-\(index)", "x") }
        // A worker's task of the failed job, still running: it makes its files
        // until the folder is gone (its next file then cannot be made).
        let writer = Thread {
            var index = 0
            while index < 2000, FileManager.default.createFile(atPath: (temporary as NSString).appendingPathComponent("late-\(index)"),
                                                                contents: nil) {
                index += 1
            }
        }
        writer.start()
        await committer.abortJob()
        #expect(!FileManager.default.fileExists(atPath: temporary), "the temporary folder is gone")
        #expect(folder.contents() == [], "nothing is left beside the target")
    }
}
