/// What one connection's reader remembers of the calls it read last: the wire
/// bytes of their path and target with what they mean (a ``WireNames`` entry),
/// and the local actor the last path reached.
///
/// A peer tends to call the same few targets over and over. Matching a call's
/// name bytes against these few by comparing bytes skips the shared table's
/// lock and the hashing of a hundred-odd bytes; remembering the actor skips
/// the system's state lock and the hashing of its path. Owned by one reader
/// task, so it needs no lock.
///
/// The actor is remembered weakly, with the actor table's epoch at the time
/// (``ClusterSystem``'s `actorsEpoch`, moved by every actor registered or
/// resigned): a remembered actor is used only while the table is unchanged.
struct RecentCalls {
    /// How many names are remembered; the oldest is replaced first.
    static let capacity = 8

    private struct Remembered {
        let bytes: [UInt8]
        let entry: WireNames.Entry
    }

    private let shared: WireNames
    private let targets: DistributedTargetCache
    private var remembered: [Remembered] = []
    private var nextReplaced = 0
    private var actorPath: String?
    private weak var actor: (any DistributedActor)?
    private var actorEpoch: UInt64 = 0

    /// Falls back to `shared`, resolving targets with `targets`.
    init(shared: WireNames, targets: DistributedTargetCache) {
        self.shared = shared
        self.targets = targets
    }

    /// How many names it remembers (for tests).
    var count: Int { remembered.count }

    /// The names whose wire form is `bytes[range]` (see ``WireNames/entry(at:path:target:in:resolve:)``).
    mutating func entry(at range: Range<Int>, path: Range<Int>, target: Range<Int>, in bytes: [UInt8]) throws(WireError) -> WireNames.Entry {
        let found = bytes.withUnsafeBytes { all -> WireNames.Entry? in
            let wanted = UnsafeRawBufferPointer(rebasing: all[range])
            for known in remembered where known.bytes.count == wanted.count {
                if known.bytes.withUnsafeBytes({ sameBytes($0, wanted) }) { return known.entry }
            }
            return nil
        }
        if let found { return found }
        let entry = try shared.entry(at: range, path: path, target: target, in: bytes, resolve: targets.target)
        let known = Remembered(bytes: Array(bytes[range]), entry: entry)
        if remembered.count < Self.capacity {
            remembered.append(known)
        } else {
            remembered[nextReplaced] = known
            nextReplaced = (nextReplaced + 1) % Self.capacity
        }
        return entry
    }

    /// The actor remembered for `path`, if the actor table is still at `epoch`.
    func actor(at path: String, epoch: UInt64) -> (any DistributedActor)? {
        guard actorEpoch == epoch, actorPath == path else { return nil }
        return actor
    }

    /// Remembers that `path` reached `actor` while the actor table was at `epoch`.
    mutating func remember(_ actor: any DistributedActor, at path: String, epoch: UInt64) {
        self.actor = actor
        actorPath = path
        actorEpoch = epoch
    }
}
