import Foundation
import Glibc
import Synchronization

/// Heap that a worker process touches as it starts and holds until its first
/// task, so that the first tasks' memory lands in pages the kernel has supplied
/// already, as a JVM's heap does when pre-touched at start.
///
/// A new process's heap grows into pages it has never touched, and the kernel
/// supplies each one on its first touch: zeroed, and on a virtual machine that
/// gives freed memory back to its host (free page reporting), faulted in from
/// the host as well. A worker's first tasks grow its heap: its map tasks'
/// buckets, then its first reduce task's first wave of fetched buckets (tens of
/// megabytes, both workers sending to each other at once). In traces of a join
/// on two workers here, of 72 first waves the median moved 1.6 GB/s and the
/// slowest 0.25 GB/s; later waves, which reuse the arrays the first one freed,
/// moved 2.5 GB/s (median).
///
/// Touched up front, on a thread of its own while the worker joins its driver
/// (it registers once the reserve is held, so the touching costs start-up time
/// rather than its first tasks' time), and freed back into the heap by
/// ``release()`` as the first task starts, the same pages serve the first
/// tasks. The pieces come from the heap and stay there once freed because of a
/// worker's allocator settings (``ProcessAllocator/workerSettings``): each is
/// below the mmap threshold, and the trim threshold keeps freed memory in the
/// process. A worker started with a lower `MALLOC_MMAP_THRESHOLD_` of its own
/// holds no reserve: each piece would be a mapping of its own, unmapped when
/// freed.
///
/// A reserve is held once in a process's life. A worker that is never given a
/// task holds it to its end, beside its `--memory` budget.
public final class WarmReserve: Sendable {
    /// The size of a piece: below the 32 MiB mmap threshold a worker runs
    /// with, so that a piece is heap; above a large bucket's size, so that a
    /// bucket fits in a freed piece even where other allocations came between
    /// the pieces.
    public static let pieceSize = 16 << 20

    /// The reserve of this process (held by a worker, see `Worker.main`).
    public static let process = WarmReserve()

    private struct State {
        var pieces: [(address: UInt, size: Int)] = []
        var held = 0
        var touched = 0
        var started = false
        var building = false
        var released = false
        var settledWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    // Read as every task starts: one relaxed load once the reserve is released.
    private let releasedFlag = Atomic(false)
    private let pieceSize: Int
    // Called after each piece is touched and held (tests).
    private let afterPiece: (@Sendable () -> Void)?

    /// An empty reserve.
    public convenience init() {
        self.init(pieceSize: Self.pieceSize, afterPiece: nil)
    }

    /// An empty reserve of pieces of `pieceSize` bytes, calling `afterPiece`
    /// each time a hold has touched and kept one.
    init(pieceSize: Int, afterPiece: (@Sendable () -> Void)? = nil) {
        self.pieceSize = max(1, pieceSize)
        self.afterPiece = afterPiece
    }

    /// Bytes held now.
    public var heldBytes: Int { state.withLock { $0.held } }

    /// Bytes touched so far, whether still held or freed.
    public var touchedBytes: Int { state.withLock { $0.touched } }

    /// Touches `bytes` of heap on the calling thread and holds it; stops early
    /// when ``release()`` comes first. Only the first hold of a reserve acts,
    /// and none after a release.
    public func hold(bytes: Int) {
        guard claim(bytes) else { return }
        build(bytes)
    }

    /// ``hold(bytes:)`` on a thread of its own; returns at once.
    public func holdInBackground(bytes: Int) {
        guard claim(bytes) else { return }
        Thread.detachNewThread { [self] in build(bytes) }
    }

    /// Frees what is held back into the heap, and keeps any hold in progress
    /// from holding more. The first call acts; later ones cost one atomic load.
    public func release() {
        guard !releasedFlag.load(ordering: .relaxed) else { return }
        let pieces = state.withLock { s in
            s.released = true
            s.held = 0
            defer { s.pieces.removeAll() }
            return s.pieces
        }
        releasedFlag.store(true, ordering: .relaxed)
        for piece in pieces { free(UnsafeMutableRawPointer(bitPattern: piece.address)) }
    }

    /// Returns once no hold is in progress.
    public func settled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                guard s.building else { return true }
                s.settledWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Marks a hold as started; false when there is nothing to do.
    private func claim(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return false }
        return state.withLock { s in
            guard !s.released, !s.started else { return false }
            s.started = true
            s.building = true
            return true
        }
    }

    private func build(_ bytes: Int) {
        let page = max(1, sysconf(Int32(_SC_PAGESIZE)))
        var left = bytes
        while left > 0, !releasedFlag.load(ordering: .relaxed) {
            let size = min(left, pieceSize)
            guard let piece = malloc(size) else { break }
            // A write to each page makes the kernel supply it; the piece need not
            // start on a page, so its last byte is written too.
            for offset in stride(from: 0, to: size, by: page) { piece.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self) }
            piece.storeBytes(of: 0, toByteOffset: size - 1, as: UInt8.self)
            let kept = state.withLock { s -> Bool in
                s.touched += size
                guard !s.released else { return false }
                s.pieces.append((UInt(bitPattern: piece), size))
                s.held += size
                return true
            }
            guard kept else {
                free(piece)
                break
            }
            left -= size
            afterPiece?()
        }
        let waiters = state.withLock { s in
            s.building = false
            defer { s.settledWaiters.removeAll() }
            return s.settledWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
