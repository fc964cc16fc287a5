import Testing
@testable import AtomicActors

/// The call's wire form: written in one buffer by the caller, read in place by
/// the callee, with names matched by their bytes.
@Suite struct CallEnvelopeTests {
    let here = NodeIdentity(endpoint: Endpoint(host: "10.0.0.1", port: 7077), incarnation: 0xA1)
    let target = "$s12AtomicActors10CalculatorC3addys5Int64VAF_AFtYaKFTE"

    func invocation(_ arguments: [Int64], text: String) throws -> WireInvocationEncoder {
        var encoder = WireInvocationEncoder()
        for value in arguments { try encoder.recordArgument(RemoteCallArgument(label: nil, name: "v", value: value)) }
        try encoder.recordArgument(RemoteCallArgument(label: nil, name: "text", value: text))
        return encoder
    }

    func read(_ payload: [UInt8], names: WireNames = WireNames()) throws -> CallEnvelope {
        try CallEnvelope(payload: payload, localNode: here.wireBytes(), names: names, targets: DistributedTargetCache())
    }

    @Test func a_call_to_this_node_reads_back_its_path_target_and_arguments_in_order() throws {
        let payload = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/user/calculator"), target: target,
                                           invocation: try invocation([7, -3, .max], text: "héllo"))
        let envelope = try read(payload)
        #expect(envelope.otherNode == nil)
        #expect(envelope.path == "/user/calculator")
        #expect(envelope.target == target)
        #expect(envelope.genericSubstitutions.isEmpty)
        #expect(envelope.argumentCount == 4)
        var decoder = WireInvocationDecoder(envelope: envelope, types: TypeNameCache())
        #expect(try decoder.decodeNextArgument() as Int64 == 7)
        #expect(try decoder.decodeNextArgument() as Int64 == -3)
        #expect(try decoder.decodeNextArgument() as Int64 == .max)
        #expect(try decoder.decodeNextArgument() as String == "héllo")
        #expect(throws: RemoteCallError.self) { _ = try decoder.decodeNextArgument() as Int64 }
    }

    @Test func a_call_addressed_to_another_incarnation_names_that_node() throws {
        let earlier = NodeIdentity(endpoint: here.endpoint, incarnation: 0xA0)
        let payload = CallEnvelope.payload(recipient: ActorAddress(node: earlier, path: "/user/calculator"), target: target,
                                           invocation: try invocation([], text: ""))
        let envelope = try read(payload)
        #expect(envelope.otherNode == earlier)
        #expect(envelope.recipient(localNode: here) == ActorAddress(node: earlier, path: "/user/calculator"))
    }

    @Test func an_argument_of_another_type_fails_and_names_its_position() throws {
        let payload = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/p"), target: target,
                                           invocation: try invocation([1], text: "not a number"))
        var decoder = WireInvocationDecoder(envelope: try read(payload), types: TypeNameCache())
        #expect(try decoder.decodeNextArgument() as Int64 == 1)
        // The string's bytes do not fill an Int64 exactly: refused, not misread.
        do {
            _ = try decoder.decodeNextArgument() as Int64
            Issue.record("a string decoded as an Int64")
        } catch let RemoteCallError.invocationFailed(_, reason) {
            #expect(reason.hasPrefix("argument 1:"))
        }
    }

    @Test func names_are_kept_once_per_byte_run_and_start_over_past_the_limit() throws {
        let names = WireNames()
        for round in 0..<3 {
            for path in ["/a", "/b"] {
                let payload = CallEnvelope.payload(recipient: ActorAddress(node: here, path: path), target: target,
                                                   invocation: try invocation([Int64(round)], text: ""))
                #expect(try read(payload, names: names).path == path)
            }
        }
        #expect(names.count == 2)
        for n in 0..<WireNames.limit {
            let payload = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/user/\(n)"), target: target,
                                               invocation: try invocation([], text: ""))
            #expect(try read(payload, names: names).path == "/user/\(n)")
        }
        // Without the bound it would hold all 4,098.
        #expect(names.count <= WireNames.limit)
    }

    @Test func overlong_names_and_too_many_substitutions_are_refused_before_they_are_kept() throws {
        let names = WireNames()
        let long = String(repeating: "x", count: CallEnvelope.maxNameBytes + 1)
        let longPath = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/" + long), target: target,
                                            invocation: try invocation([], text: ""))
        #expect(throws: WireError.self) { _ = try read(longPath, names: names) }
        let longTarget = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/a"), target: long,
                                              invocation: try invocation([], text: ""))
        #expect(throws: WireError.self) { _ = try read(longTarget, names: names) }
        #expect(names.count == 0, "nothing refused is kept")
        var many = try invocation([], text: "")
        many.genericSubstitutions = Array(repeating: "Si", count: CallEnvelope.maxGenericSubstitutions + 1)
        let tooMany = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/a"), target: target, invocation: many)
        #expect(throws: WireError.self) { _ = try read(tooMany, names: names) }
        var enough = try invocation([], text: "")
        enough.genericSubstitutions = Array(repeating: "Si", count: CallEnvelope.maxGenericSubstitutions)
        let allowed = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/a"), target: target, invocation: enough)
        #expect(try read(allowed, names: names).genericSubstitutions.count == CallEnvelope.maxGenericSubstitutions)
    }

    @Test func target_names_the_runtime_does_not_know_are_kept_only_up_to_a_bound() {
        let targets = DistributedTargetCache()
        for n in 0..<(DistributedTargetCache.limit + 100) { #expect(targets.target("$sNotADistributedFunction\(n)") == nil) }
        #expect(targets.count == DistributedTargetCache.limit)
    }

    @Test func a_name_that_is_not_utf8_is_refused() throws {
        var payload = CallEnvelope.payload(recipient: ActorAddress(node: here, path: "/ab"), target: target,
                                           invocation: try invocation([], text: ""))
        // The header starts where the trailer says; the path's first byte
        // follows the node and the path's length.
        let headerStart = payload[(payload.count - 4)...].withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
        let at = headerStart + here.wireBytes().count + 1
        payload[at] = 0xFF
        #expect(throws: WireError.self) { _ = try read(payload) }
    }

    @Test func a_reply_value_follows_its_tag_and_other_replies_decode_whole() throws {
        var writer = WireWriter()
        ReplyEnvelope.value.encode(to: &writer)
        Int64(42).encode(to: &writer)
        var reader = WireReader(writer.take())
        guard case .value = try ReplyEnvelope(from: &reader) else { Issue.record("not a value"); return }
        #expect(try reader.read(Int64.self) == 42)
        #expect(reader.isAtEnd)
        let failed = ReplyEnvelope.failed(.invocationFailed(target: "t", reason: "r")).wireBytes()
        guard case let .failed(.invocationFailed(t, r)) = try ReplyEnvelope(wireBytes: failed) else { Issue.record("not failed"); return }
        #expect(t == "t" && r == "r")
    }

    @Test func a_length_is_filled_in_after_what_it_measures() {
        var writer = WireWriter()
        writer.write(UInt8(9))
        let at = writer.count
        writer.writeFixed(UInt32(0))
        writer.write("abc")
        writer.overwriteFixed(UInt32(writer.count - at - 4), at: at)
        #expect(writer.bytes == [9, 4, 0, 0, 0, 3, 0x61, 0x62, 0x63])
    }
}
