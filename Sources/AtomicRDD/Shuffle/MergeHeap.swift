/// A binary min-heap of the heads of sorted sources, for k-way merges of
/// spilled runs.
struct MergeHeap<Item> {
    private var items: [(item: Item, source: Int)] = []
    private let less: (Item, Item) -> Bool

    init(less: @escaping (Item, Item) -> Bool) { self.less = less }

    var isEmpty: Bool { items.isEmpty }
    var top: (item: Item, source: Int)? { items.first }

    mutating func push(_ item: Item, source: Int) {
        items.append((item, source))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(items[child].item, items[parent].item) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (item: Item, source: Int)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let result = items.removeLast()
        siftDown()
        return result
    }

    /// Replaces the top with the next item of a source: one sift instead of a
    /// pop and a push (the step of a k-way merge whose source is not exhausted).
    mutating func replaceTop(_ item: Item, source: Int) {
        precondition(!items.isEmpty, "Internal inconsistency: replaceTop on an empty merge heap")
        items[0] = (item, source)
        siftDown()
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, less(items[left].item, items[smallest].item) { smallest = left }
            if right < items.count, less(items[right].item, items[smallest].item) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

extension MergeHeap {
    /// The records of `sources`, each already ordered by `less`, merged into
    /// one stream ordered by `less`. Nothing is read before the first pull.
    ///
    /// - Complexity: O(log s) comparisons a record for s sources.
    static func merged(_ sources: [Records<Item>], by less: @escaping (Item, Item) -> Bool) -> Records<Item> {
        if sources.count <= 1 { return sources.first ?? .empty }
        var sources = sources
        var heap = MergeHeap(less: less)
        var started = false
        return Records {
            if !started {
                started = true
                for i in sources.indices {
                    if let item = try sources[i].next() { heap.push(item, source: i) }
                }
            }
            guard let top = heap.top else { return nil }
            if let next = try sources[top.source].next() {
                heap.replaceTop(next, source: top.source)
            } else {
                _ = heap.pop()
            }
            return top.item
        }
    }
}

/// The sift of a binary min-heap kept in a buffer, for heaps whose entries
/// are not ``MergeHeap``'s (the merges of sorted runs by radix image).
enum HeapOrder {
    /// Restores the heap order below `index` by `precedes`: the entry there
    /// moves down into a hole, each preceding child moving up once (no swaps).
    @inline(__always)
    static func siftDown<Entry>(_ heap: UnsafeMutableBufferPointer<Entry>, from index: Int,
                                by precedes: (Entry, Entry) -> Bool) {
        let count = heap.count
        let moving = heap[index]
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let child = left + 1 < count && precedes(heap[left + 1], heap[left]) ? left + 1 : left
            guard precedes(heap[child], moving) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = moving
    }
}
