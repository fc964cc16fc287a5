#if canImport(Glibc)
import Glibc
#endif

/// One object per thread, read in a few nanoseconds: a wrapper of POSIX
/// thread-specific data for the layers above, which do not import Glibc.
///
/// The engine uses it so that code running inside a task (an accumulator's
/// `add`, a broadcast's `value`) finds the task its thread runs.
public final class ThreadLocalSlot<Value: AnyObject>: @unchecked Sendable {
    // `@unchecked Sendable`: the key is created once; each thread reads and
    // writes only its own value.
    private var key = pthread_key_t()

    /// Creates a slot, empty on every thread.
    public init() {
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "pthread_key_create failed with \(status)")
    }

    deinit { pthread_key_delete(key) }

    /// The calling thread's value. Setting retains the new value and releases the old.
    public var value: Value? {
        get {
            guard let raw = pthread_getspecific(key) else { return nil }
            return Unmanaged<Value>.fromOpaque(raw).takeUnretainedValue()
        }
        set {
            if let old = pthread_getspecific(key) { Unmanaged<Value>.fromOpaque(old).release() }
            let raw = newValue.map { Unmanaged.passRetained($0).toOpaque() }
            pthread_setspecific(key, raw)
        }
    }
}
