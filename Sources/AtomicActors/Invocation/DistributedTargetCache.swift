import Distributed
import Synchronization

/// What the runtime tells about a distributed function from its mangled name,
/// looked up once per name instead of on every incoming call.
///
/// `executeDistributedTarget` demangles the target's name four times per call
/// (generic environment, parameter count, parameter types, return type), which
/// cost about a fifth of a callee's CPU time in the actor-call benchmark. For a
/// non-generic target all four answers depend on the name alone, so they are
/// kept here and ``ClusterSystem`` calls the runtime's executor directly.
/// Generic targets, and names the runtime does not know, are not cached: they
/// take the standard library's path, which reports their errors.
final class DistributedTargetCache: Sendable {
    /// A non-generic distributed function's signature, resolved.
    struct Target: @unchecked Sendable {
        // Safety: every field is written once, before the entry is published
        // under the lock, and only read afterwards; the buffers live as long as
        // the cache.
        /// The mangled name, as the runtime's executor wants it.
        let name: UnsafeBufferPointer<UInt8>
        /// The parameter types, in order (one slot even for none).
        let parameterTypes: UnsafeBufferPointer<Any.Type>
        /// The result: nothing, or a value of a wire-codable type.
        let result: Result

        enum Result {
            case void
            case value(any WireCodable.Type)
        }
    }

    private enum Entry {
        case target(Target)
        /// Generic, unknown to the runtime, or of a result that is not wire-codable.
        case uncached
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Past this many entries, names that take the standard library's path are no longer kept.
    static let limit = 1024

    /// How many names are kept, resolved or not (for tests).
    var count: Int { entries.withLock { $0.count } }

    deinit {
        entries.withLock { entries in
            for case let .target(target) in entries.values {
                target.name.deallocate()
                target.parameterTypes.deallocate()
            }
        }
    }

    /// How many targets are resolved and kept (for tests).
    var resolvedCount: Int {
        entries.withLock { entries in entries.values.count { if case .target = $0 { true } else { false } } }
    }

    /// The resolved signature of `identifier`, or nil when it must take the
    /// standard library's path.
    func target(_ identifier: String) -> Target? {
        if let entry = entries.withLock({ $0[identifier] }) {
            if case let .target(target) = entry { return target }
            return nil
        }
        let resolved = Self.resolve(identifier)
        let entry = entries.withLock { entries -> Entry in
            if let raced = entries[identifier] {
                if case let .target(target) = resolved {
                    target.name.deallocate()
                    target.parameterTypes.deallocate()
                }
                return raced
            }
            // Names that resolve are this binary's own distributed functions, a
            // fixed set; names that do not may be anything a peer sends, so only
            // so many of them are remembered.
            if case .target = resolved {
                entries[identifier] = resolved
            } else if entries.count < Self.limit {
                entries[identifier] = resolved
            }
            return resolved
        }
        if case let .target(target) = entry { return target }
        return nil
    }

    /// Asks the runtime about `identifier`, once.
    private static func resolve(_ identifier: String) -> Entry {
        let utf8 = Array(identifier.utf8)
        guard !utf8.isEmpty else { return .uncached }
        return utf8.withUnsafeBufferPointer { name -> Entry in
            let length = UInt(name.count)
            guard _getGenericEnvironmentOfDistributedTarget(name.baseAddress!, length) == nil else { return .uncached }
            let count = __getParameterCount(name.baseAddress!, length)
            guard count >= 0 else { return .uncached }
            let types = UnsafeMutableBufferPointer<Any.Type>.allocate(capacity: Swift.max(Int(count), 1))
            let decoded = _distributedParameterTypes(name.baseAddress!, length, nil, nil, UnsafeMutableRawPointer(types.baseAddress!), Int(count))
            let result: Target.Result?
            switch __getReturnTypeInfo(name.baseAddress!, length, nil, nil) {
            case nil: result = nil
            case let type? where type == Void.self: result = .void
            case let type?: result = (type as? any WireCodable.Type).map { .value($0) }
            }
            guard decoded == count, let result else {
                types.deallocate()
                return .uncached
            }
            let stored = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: name.count)
            _ = stored.initialize(from: name)
            return .target(Target(name: UnsafeBufferPointer(stored), parameterTypes: UnsafeBufferPointer(types), result: result))
        }
    }
}

/// The runtime's executor of distributed functions, which the standard
/// library's `executeDistributedTarget` calls after resolving the target; the
/// same declaration as there, with `UnsafeRawPointer` for `Builtin.RawPointer`
/// (one pointer either way).
@_silgen_name("swift_distributed_execute_target")
func _executeDistributedTargetAccessor<D: DistributedTargetInvocationDecoder>(
    on actor: AnyObject,
    _ targetName: UnsafePointer<UInt8>, _ targetNameLength: UInt,
    argumentDecoder: inout D,
    argumentTypes: UnsafeRawPointer,
    resultBuffer: UnsafeRawPointer,
    substitutions: UnsafeRawPointer?,
    witnessTables: UnsafeRawPointer?,
    numWitnessTables: UInt
) async throws

/// The runtime's decoder of a distributed function's parameter types; the
/// standard library declares it with a `Builtin.RawPointer` outside code
/// cannot form.
@_silgen_name("swift_func_getParameterTypeInfo")
func _distributedParameterTypes(
    _ targetName: UnsafePointer<UInt8>, _ targetNameLength: UInt,
    _ genericEnvironment: UnsafeRawPointer?, _ genericArguments: UnsafeRawPointer?,
    _ types: UnsafeMutableRawPointer, _ typesLength: Int
) -> Int32
