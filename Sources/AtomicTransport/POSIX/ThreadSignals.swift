import Glibc

/// The signal mask of the calling thread, so code above the transport need not
/// import Glibc.
public enum ThreadSignals {
    /// Blocks SIGPIPE on the calling thread only: its writes to a pipe whose
    /// reader is gone then fail with `EPIPE` instead of killing the process.
    ///
    /// The disposition stays the default for the rest of the process and for
    /// child processes (which a process-wide `SIG_IGN` would leak into). The
    /// signal stays pending on the thread and is discarded when it exits, so call
    /// this only on a thread made for such writes (the stdin writer of `pipe`).
    public static func blockBrokenPipeOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Runs `body` with no signal blocked on the calling thread, then restores
    /// the thread's mask: for starting a child process, which inherits the mask.
    ///
    /// Threads of Swift's concurrency pool, and threads they create, block
    /// nearly every signal; a child started from one would ignore even SIGTERM.
    /// While `body` runs, a signal sent to the whole process may be delivered
    /// to this thread, so keep `body` short.
    public static func withNoSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t(), saved = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try body()
    }
}
