import Foundation
import Synchronization

/// A Context's own folder for spills, shuffle files and disk blocks, removed at `stop()`.
final class ScratchSpace: Sendable {
    /// The folder's path.
    let path: String
    private let counter = Atomic<Int>(0)

    init(parent: String, appName: String) throws {
        let safeName = appName.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let name = "atomic-\(safeName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        path = (parent as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EngineError.scratchUnavailable(path: path, reason: "\(error)")
        }
    }

    /// A new unique file path in the folder.
    func newFile(_ prefix: String) -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return (path as NSString).appendingPathComponent("\(prefix)-\(n)")
    }

    /// Removes the folder and everything in it.
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
