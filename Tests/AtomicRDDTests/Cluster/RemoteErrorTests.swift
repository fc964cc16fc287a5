import AtomicTransport
import Testing
@testable import AtomicRDD

@Suite struct RemoteErrorTests {
    struct Opaque: Error {}

    /// What the driver rebuilds from a worker's report of `error`.
    private func roundTrip(_ error: any Error) throws -> any Error {
        var reader = WireReader(TaskReport.failure(error).wireBytes())
        switch try TaskReport(from: &reader) {
        case let .failedWithValue(type, message, mangledType, value):
            return TaskReport.error(type: type, message: message, mangledType: mangledType, value: value, worker: "w")
        case let .failed(type, message):
            return TaskReport.error(type: type, message: message, mangledType: nil, value: [], worker: "w")
        default:
            throw EngineError.invalidArgument(operation: "test", reason: "not a failure")
        }
    }

    @Test func aWireCodableErrorComesBackAsItselfAndOthersByNameAndMessage() throws {
        for error in [InputError.unreadable(path: "/x", reason: "gone"), .noInput("*.txt"),
                      .partialRecord(path: "/y", offset: 16, length: 3, recordLength: 8)] {
            #expect(try roundTrip(error) as? InputError == error)
        }
        let opaque = try #require(try roundTrip(Opaque()) as? RemoteTaskError)
        #expect(opaque.typeName.hasSuffix("Opaque"))
        #expect(opaque.worker == "w")
        // A value that does not decode falls back to the name and message.
        let garbled = TaskReport.error(type: "AtomicRDD.InputError", message: "m", mangledType: _mangledTypeName(InputError.self),
                                       value: [9, 9], worker: "w")
        #expect((garbled as? RemoteTaskError)?.message == "m")
    }
}
