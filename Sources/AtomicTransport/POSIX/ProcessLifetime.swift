import Foundation
import Glibc

/// Ties a child process's life to its parent's, so no worker outlives whoever
/// started it, even when the parent is killed with SIGKILL.
///
/// The parent keeps the write end of a pipe that is the child's standard input;
/// the kernel closes it when the parent dies, however it dies, and the child sees
/// end of file. (PR_SET_PDEATHSIG is not used: it fires when the parent *thread*
/// that spawned the child exits, and Swift's pool threads come and go.)
public enum ProcessLifetime {
    /// Exits this process with status 0 as soon as standard input reaches end of
    /// file. Call it only in a process whose standard input is its parent's pipe.
    public static func exitWhenStandardInputCloses() {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 512)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                if n > 0 { continue }
                if n < 0 && Glibc.errno == EINTR { continue }
                exit(0)
            }
        }
    }
}
