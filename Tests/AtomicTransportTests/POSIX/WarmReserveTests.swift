import Testing
import AtomicTransport

/// A `WarmReserve` holds what it touched until released, once; a release stops
/// a hold in progress, and a released reserve holds nothing again.
@Suite struct WarmReserveTests {
    @Test func holdsWhatItTouchedUntilReleased() {
        let reserve = WarmReserve()
        let bytes = 2 * WarmReserve.pieceSize + (8 << 20)
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

    @Test func holdsInTheBackgroundAndSettles() async {
        let reserve = WarmReserve()
        reserve.holdInBackground(bytes: 24 << 20)
        // A second hold while the first runs does nothing.
        reserve.holdInBackground(bytes: 1 << 30)
        await reserve.settled()
        #expect(reserve.heldBytes == 24 << 20)
        reserve.release()
        #expect(reserve.heldBytes == 0)
    }

    @Test func aReleaseStopsAHoldInProgress() async {
        let reserve = WarmReserve()
        let asked = 2 << 30
        reserve.holdInBackground(bytes: asked)
        reserve.release()
        await reserve.settled()
        #expect(reserve.heldBytes == 0)
        // The hold saw the release after a piece or so, not after touching all it was asked.
        #expect(reserve.touchedBytes < asked)
    }

    @Test func nothingAskedIsNothingHeld() async {
        let reserve = WarmReserve()
        reserve.hold(bytes: 0)
        reserve.holdInBackground(bytes: -1)
        await reserve.settled()
        #expect(reserve.heldBytes == 0)
        #expect(reserve.touchedBytes == 0)
    }
}
