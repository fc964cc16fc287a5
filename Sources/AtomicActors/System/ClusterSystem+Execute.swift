import Distributed

// Running an incoming call's target on a local actor.

extension ClusterSystem {
    /// Runs the call in `envelope` on `actor` and reports its outcome through
    /// `handler`, as `executeDistributedTarget` does, but with the target's
    /// signature resolved once per name (``DistributedTargetCache``) instead of
    /// demangled on every call. Generic and unknown targets take the standard
    /// library's path.
    ///
    /// - Throws: only what the standard library's path throws (the target
    ///   cannot be found or prepared); the target's own errors, and errors
    ///   decoding its arguments, go to `handler`.
    func execute(_ envelope: CallEnvelope, on actor: any DistributedActor, decoder: inout WireInvocationDecoder,
                 handler: WireResultHandler) async throws {
        guard let target = envelope.resolved else {
            try await executeDistributedTarget(on: actor, target: RemoteCallTarget(envelope.target), invocationDecoder: &decoder,
                                               handler: handler)
            return
        }
        do {
            switch target.result {
            case .void:
                let result = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
                defer { result.deallocate() }
                try await Self.run(target, on: actor, decoder: &decoder, into: UnsafeRawPointer(result))
                try await handler.onReturnVoid()
            case let .value(type):
                try await Self.run(target, returning: type, on: actor, decoder: &decoder, handler: handler)
            }
        } catch {
            try await handler.onThrow(error: error)
        }
    }

    /// Runs `target` and replies with its value through `handler`.
    // Inlined into `execute`: one executor switch fewer per call (by a uprobe count).
    @inline(__always)
    private static func run<Value: WireCodable>(_ target: DistributedTargetCache.Target, returning: Value.Type,
                                                on actor: any DistributedActor, decoder: inout WireInvocationDecoder,
                                                handler: WireResultHandler) async throws {
        let result = UnsafeMutablePointer<Value>.allocate(capacity: 1)
        defer { result.deallocate() }
        try await run(target, on: actor, decoder: &decoder, into: UnsafeRawPointer(result))
        // The executor initialized the buffer when it returned without throwing.
        try await handler.reply(value: result.move())
    }

    /// Calls the target's accessor, which decodes the arguments from `decoder`
    /// and leaves the result in `result`.
    // Inlined, as the other `run` is.
    @inline(__always)
    private static func run(_ target: DistributedTargetCache.Target, on actor: any DistributedActor,
                            decoder: inout WireInvocationDecoder, into result: UnsafeRawPointer) async throws {
        try await _executeDistributedTargetAccessor(
            on: actor, target.name.baseAddress!, UInt(target.name.count), argumentDecoder: &decoder,
            argumentTypes: UnsafeRawPointer(target.parameterTypes.baseAddress!), resultBuffer: result,
            substitutions: nil, witnessTables: nil, numWitnessTables: 0)
    }
}
