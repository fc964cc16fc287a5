import CAtomicSystem
import Glibc

/// How the C allocator under Swift's arrays serves a worker process.
///
/// A worker receives every remote bucket into a fresh array of several
/// megabytes (and serves its own from others, read from spill files), and
/// frees them a few milliseconds later. With glibc's defaults each of those
/// arrays lands in pages the process has not
/// touched yet, and the kernel zeroes every 4 KiB of them on first touch: in a
/// profile of a join on two workers, a third of the time spent fetching went to
/// those page faults. Three settings keep the pages in the process instead:
///
/// - one arena (`MALLOC_ARENA_MAX=1`): glibc gives threads arenas of their own,
///   and memory freed into one arena serves only that arena's allocations; a
///   bucket arrives in an array the event-loop thread allocates and is freed by
///   whichever thread ran the reduce, and map tasks, spills and replies allocate
///   on other threads still;
/// - an mmap threshold of 32 MiB, glibc's highest (`MALLOC_MMAP_THRESHOLD_`):
///   arrays below it come from the heap, whose freed pages the next bucket
///   reuses, instead of from a mapping of their own that goes back to the
///   system when freed;
/// - a trim threshold of 256 MiB (`MALLOC_TRIM_THRESHOLD_`): the heap gives
///   its free top back to the system only past that, so a stage's freed memory
///   serves the next stage.
///
/// Hadoop sets `MALLOC_ARENA_MAX` for its containers for the same reason; the
/// JVM keeps its heap much the same way.
public enum ProcessAllocator {
    /// One allocator setting: the environment variable that sets it from a
    /// process's start, and its value.
    public struct Setting: Sendable, Equatable {
        /// The environment variable glibc reads at start-up.
        public let variable: String
        /// The value a worker gets.
        public let value: Int
        fileprivate let parameter: Int32
    }

    /// The number of arenas (`MALLOC_ARENA_MAX`).
    public static let arenaVariable = "MALLOC_ARENA_MAX"
    /// The size from which an allocation gets a mapping of its own (`MALLOC_MMAP_THRESHOLD_`).
    public static let mmapThresholdVariable = "MALLOC_MMAP_THRESHOLD_"
    /// The free top of the heap past which it is given back (`MALLOC_TRIM_THRESHOLD_`).
    public static let trimThresholdVariable = "MALLOC_TRIM_THRESHOLD_"

    /// What a worker runs with: one arena, a 32 MiB mmap threshold, a 256 MiB trim threshold.
    public static let workerSettings = [
        Setting(variable: arenaVariable, value: 1, parameter: catomic_M_ARENA_MAX),
        Setting(variable: mmapThresholdVariable, value: 32 << 20, parameter: catomic_M_MMAP_THRESHOLD),
        Setting(variable: trimThresholdVariable, value: 256 << 20, parameter: catomic_M_TRIM_THRESHOLD),
    ]

    /// The mmap threshold a worker runs with: the one its environment sets, or
    /// else the one of ``workerSettings``, which ``applyWorkerSettings()`` applies.
    public static var workerMmapThreshold: Int {
        if let text = getenv(mmapThresholdVariable), let value = Int(String(cString: text)) { return value }
        return workerSettings.first { $0.variable == mmapThresholdVariable }?.value ?? 0
    }

    /// `environment` with each of ``workerSettings`` added that it does not
    /// set already: what a worker process is started with. A variable that is
    /// set wins, so an operator can still choose otherwise.
    public static func workerEnvironment(_ environment: [String: String]) -> [String: String] {
        var result = environment
        for setting in workerSettings where result[setting.variable] == nil {
            result[setting.variable] = String(setting.value)
        }
        return result
    }

    /// Applies each of ``workerSettings`` whose variable this process was not
    /// started with, and returns the variables applied. For a worker started
    /// without them: the thresholds take effect at once, but arenas made
    /// before the call stay in use, so starting with the variables is surer.
    @discardableResult
    public static func applyWorkerSettings() -> [String] {
        workerSettings.filter { getenv($0.variable) == nil && catomic_mallopt($0.parameter, Int32($0.value)) == 1 }
            .map(\.variable)
    }
}
