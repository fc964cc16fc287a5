import Foundation

/// Executables that SwiftPM builds beside a test bundle, for tests that start
/// them as child processes (worker processes, cluster nodes).
public enum SiblingExecutable {
    /// The path of the executable `name` in the folder of the running test bundle.
    ///
    /// - Throws: `CocoaError(.fileNoSuchFile)` naming the path when it was not built.
    public static func path(_ name: String) throws -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidate = bundle.deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidate])
        }
        return candidate
    }
}
