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
        return result
    }
}
