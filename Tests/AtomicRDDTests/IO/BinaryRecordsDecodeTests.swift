import Foundation
import Testing
@testable import AtomicRDD
@testable import atomic

extension EngineSuite {
    /// `binaryRecords(_:recordLength:minPartitions:decode:)` decodes each record
    /// from its bytes, in order, once.
    @Suite struct BinaryRecordsDecodeTests {
        typealias F = SuiteActionFunctions
        /// `count` 16-byte records of two little-endian Int64: i * 1000 - 7 and -i.
        func pairsFile(_ folder: TemporaryFolder, count: Int) throws -> String {
            var bytes: [UInt8] = []
            for i in 0..<count {
                withUnsafeBytes(of: Int64(i * 1000 - 7).littleEndian) { bytes += $0 }
                withUnsafeBytes(of: Int64(-i).littleEndian) { bytes += $0 }
            }
            return try folder.write("pairs.bin", bytes: bytes)
        }

        @Test(arguments: EngineSetup.shippable)
        func decodesEveryRecordOnceForEveryPartitionCount(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let count = 301
            let file = try pairsFile(folder, count: count)
            let expected = (0..<count).map { ($0 * 1000 - 7, -$0) }
            try await setup.run { sc in
                for minPartitions in [1, 2, 7, 400] {
                    let rdd = try sc.binaryRecords(file, minPartitions: minPartitions, StandardFunctions.Int64Pair())
                    let pairs = try await rdd.collect()
                    #expect(pairs.map(\.0) == expected.map(\.0), "minPartitions \(minPartitions)")
                    #expect(pairs.map(\.1) == expected.map(\.1), "minPartitions \(minPartitions)")
                    // Each decode sees exactly one record's bytes.
                    let lengths = try await sc.binaryRecords(file, minPartitions: minPartitions, F.RecordByteCount()).collect()
                    #expect(lengths == Array(repeating: 16, count: count))
                }
            }
        }

        @Test(arguments: EngineSetup.shippable)
        func aDecodeErrorFailsTheJobAndAPartialRecordIsReported(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let file = try pairsFile(folder, count: 10)
            let partial = try folder.write("partial.bin", bytes: Array(repeating: 1, count: 16 * 3 + 5))
            try await setup.run(maxTaskFailures: 1) { sc in
                let failing = try sc.binaryRecords(file, F.RejectingKey(rejected: 4993))
                let error = await #expect(throws: JobFailedError.self) { try await failing.collect() }
                #expect(error?.underlying is F.InjectedFailure)
                let cut = try sc.binaryRecords(partial, minPartitions: 1, F.RecordByteCount())
                let partialError = await #expect(throws: JobFailedError.self) { try await cut.collect() }
                #expect(partialError?.underlying as? InputError == .partialRecord(path: partial, offset: 48, length: 5, recordLength: 16))
            }
        }

        // Stays on .all: tests the closure overload (the registered form runs on .shippable above).
        @Test(arguments: EngineSetup.all)
        func aClosureDecodesEveryRecordOnceForEveryPartitionCount(setup: EngineSetup) async throws {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let count = 301
            let file = try pairsFile(folder, count: count)
            let expected = (0..<count).map { ($0 * 1000 - 7, -$0) }
            try await setup.run { sc in
                for minPartitions in [1, 2, 7, 400] {
                    let rdd = try sc.binaryRecords(file, recordLength: 16, minPartitions: minPartitions) { bytes in
                        (Int(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))),
                         Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))))
                    }
                    let pairs = try await rdd.collect()
                    #expect(pairs.map(\.0) == expected.map(\.0), "minPartitions \(minPartitions)")
                    #expect(pairs.map(\.1) == expected.map(\.1), "minPartitions \(minPartitions)")
                    // Each decode sees exactly one record's bytes.
                    let lengths = try await sc.binaryRecords(file, recordLength: 16, minPartitions: minPartitions) { $0.count }
                        .collect()
                    #expect(lengths == Array(repeating: 16, count: count))
                }
            }
        }
    }
}
