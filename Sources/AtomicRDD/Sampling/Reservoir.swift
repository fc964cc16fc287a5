/// A uniform sample of at most `capacity` elements of a stream of unknown
/// length (Vitter's algorithm R), plus how many elements the stream had: what
/// each task of the sort sample returns.
struct Reservoir<Element> {
    /// The elements kept.
    private(set) var items: [Element] = []
    /// How many elements were offered.
    private(set) var seen = 0
    private let capacity: Int
    private var random: SplitMix64

    /// An empty reservoir keeping up to `capacity` elements, drawing from `random`.
    init(capacity: Int, random: SplitMix64) {
        self.capacity = max(1, capacity)
        self.random = random
        items.reserveCapacity(min(self.capacity, 1024))
    }

    /// Offers one element.
    mutating func add(_ element: Element) {
        seen += 1
        if items.count < capacity {
            items.append(element)
        } else {
            let slot = Int(random.next() % UInt64(seen))
            if slot < capacity { items[slot] = element }
        }
    }
}
