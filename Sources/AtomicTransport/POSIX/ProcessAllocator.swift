import CAtomicSystem
import Glibc

/// How the C allocator under Swift's arrays serves this process's threads.
///
/// glibc gives threads their own arenas (up to 8 a core). Memory freed into one
/// arena is reused only by allocations from that arena, and a thread's arena
/// returns its free top to the system. On a worker, a reducer's bucket arrives in
/// an array the transport's event-loop thread allocates, is decoded into one a
/// pool thread allocates, and both are freed by whichever thread ran the reduce:
/// with many arenas the next bucket lands in fresh pages and pays a page fault
/// for every 4 KiB. With one arena the pages freed by the last bucket (and by the
/// map tasks before) serve the next one.
public enum ProcessAllocator {
    /// The environment variable that sets the number of arenas from a process's
    /// start (`MALLOC_ARENA_MAX`, which Hadoop sets for its containers too): a
    /// process started with it set to 1 has one arena from its first allocation.
    public static let arenaVariable = "MALLOC_ARENA_MAX"

    /// Makes the threads of this process that have not allocated yet share an
    /// arena with those that have (glibc's `M_ARENA_MAX`), unless ``arenaVariable``
    /// is set, which wins. Arenas made before the call stay in use, so the
    /// variable is the surer way; this is for a process started without it.
    /// Returns whether the allocator took the setting.
    @discardableResult
    public static func useOneArena() -> Bool {
        guard getenv(arenaVariable) == nil else { return false }
        return catomic_malloc_arena_max(1) == 1
    }
}
