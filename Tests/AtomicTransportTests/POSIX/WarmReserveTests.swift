import Synchronization
import Testing
@testable import AtomicTransport

/// A `WarmReserve` holds what it touched until released, once; a release stops
/// a hold in progress, and a reserve is held once in its life.
@Suite struct WarmReserveTests {
    @Test func holdsWhatItTouchedUntilReleased() {
        let reserve = WarmReserve()
        let bytes = 2 * WarmReserve.pieceSize + (8 << 20) + 1
        reserve.hold(bytes: bytes)
        #expect(reserve.heldBytes == bytes)
        #expect(reserve.touchedBytes == bytes)
        reserve.release()
        #expect(reserve.heldBytes == 0)
        reserve.release()
        #expect(reserve.heldBytes == 0)
        // Released for good: a later hold touches nothing.
        reserve.hold(bytes: 4 << 20)
        #expect(reserve.heldBytes == 0)
        #expect(reserve.touchedBytes == bytes)
    }

    @Test func holdsInTheBackgroundOnceAndSettles() async {
        let reserve = WarmReserve()
        reserve.holdInBackground(bytes: 24 << 20)
        // Held once in its life: a second hold, running or not, does nothing.
        reserve.holdInBackground(bytes: 1 << 30)
        await reserve.settled()
        reserve.hold(bytes: 1 << 30)
        #expect(reserve.heldBytes == 24 << 20)
        #expect(reserve.touchedBytes == 24 << 20)
        reserve.release()
        #expect(reserve.heldBytes == 0)
    }

    @Test func aReleaseStopsAHoldInProgress() async {
        let late = Late()
        // Released by the hold itself once it has touched and kept its first piece.
        let reserve = WarmReserve(pieceSize: 1 << 20) { late.reserve.withLock { $0 }?.release() }
        late.reserve.withLock { $0 = reserve }
        reserve.holdInBackground(bytes: 8 << 20)
        await reserve.settled()
        #expect(reserve.touchedBytes == 1 << 20)
        #expect(reserve.heldBytes == 0)
    }

    @Test func nothingAskedIsNothingHeld() async {
        let reserve = WarmReserve()
        reserve.hold(bytes: 0)
        reserve.holdInBackground(bytes: -1)
        await reserve.settled()
        #expect(reserve.heldBytes == 0)
        #expect(reserve.touchedBytes == 0)
        // Nothing asked is not a hold: the reserve can still be held.
        reserve.hold(bytes: 1 << 20)
        #expect(reserve.heldBytes == 1 << 20)
        reserve.release()
    }

    /// The reserve a hold's callback releases, set once the reserve exists.
    private final class Late: Sendable {
        let reserve = Mutex<WarmReserve?>(nil)
    }
}
