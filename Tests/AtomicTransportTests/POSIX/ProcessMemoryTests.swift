import Glibc
import Testing
@testable import AtomicTransport

@Suite struct ProcessMemoryTests {
    /// Page faults of the calling thread so far (minor: pages the kernel maps and zeroes).
    static func threadPageFaults() -> Int {
        var usage = rusage()
        // RUSAGE_THREAD (1): Swift's Glibc module does not export the name.
        _ = getrusage(__rusage_who_t(1), &usage)
        return usage.ru_minflt
    }

    /// Faults taken while making, touching and freeing an array of `bytes` bytes on this thread.
    static func faultsOfAFreshArray(bytes: Int) -> Int {
        let before = threadPageFaults()
        let array = [UInt8](repeating: 1, count: bytes)
        withExtendedLifetime(array) {}
        return threadPageFaults() - before
    }

    @Test func a_large_array_made_after_one_was_freed_reuses_its_pages() {
        #expect(ProcessMemory.keepFreedMemory())
        let bytes = 8 << 20, pages = bytes / 4096
        _ = Self.faultsOfAFreshArray(bytes: bytes)
        // Unmapped on free (glibc's default for a block this size), the second
        // array would fault in all its 2,048 pages again.
        let again = Self.faultsOfAFreshArray(bytes: bytes)
        #expect(again < pages / 8, "\(again) page faults for an array of \(pages) pages")
    }
}
