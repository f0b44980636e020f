import Learning

/// A running weighted sum of vectors, folded in as they arrive.
///
/// This is the aggregation memory bound: whatever the number of sites, the coordinator holds
/// one accumulator the size of the model, never a list of updates. Every pass over it (the
/// first update written straight in, each further update added, the final scaling done in
/// place) runs in parallel over disjoint chunks, each a tight loop the compiler vectorizes,
/// and no pass allocates or zero-fills a second model-sized buffer.
public struct WeightedSum: Sendable {
    public let count: Int
    /// Empty until the first vector arrives, which initializes it (no zero-filling pass).
    private var storage: [Float] = []
    public private(set) var totalWeight: Double = 0
    public private(set) var contributions = 0

    /// Below this many scalars the sum is folded on the caller's thread.
    public static let parallelThreshold = Parallel.threshold

    public init(count: Int) {
        self.count = count
    }

    /// The weighted sum so far (zeros before the first vector).
    public var sum: [Float] { storage.isEmpty ? [Float](repeating: 0, count: count) : storage }

    /// `sum += weight * vector`.
    public mutating func add(_ vector: [Float], weight: Double) {
        vector.withUnsafeBufferPointer { add($0, weight: weight) }
    }

    public mutating func add(_ vector: UnsafeBufferPointer<Float>, weight: Double) {
        precondition(vector.count == count, "vector has \(vector.count) values, the sum \(count)")
        let w = Float(weight)
        let source = SharedPointer(vector.baseAddress!)
        if storage.isEmpty {
            storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                let target = SharedPointer(buffer.baseAddress!)
                Parallel.forEachChunk(of: count) { range in
                    for i in range { target.pointer[i] = w * source.pointer[i] }
                }
                initialized = count
            }
        } else {
            storage.withUnsafeMutableBufferPointer { buffer in
                let target = SharedPointer(buffer.baseAddress!)
                Parallel.forEachChunk(of: count) { range in
                    for i in range { target.pointer[i] += w * source.pointer[i] }
                }
            }
        }
        totalWeight += weight
        contributions += 1
    }

    /// `sum / totalWeight`: the weighted mean of everything added, computed in place and
    /// moved out (the sum is left empty, so no model-sized copy is made).
    public mutating func takeMean() -> [Float] {
        var result = storage.isEmpty ? [Float](repeating: 0, count: count) : storage
        storage = []
        guard totalWeight > 0 else { return result }
        let scale = Float(1 / totalWeight)
        result.withUnsafeMutableBufferPointer { buffer in
            let target = SharedPointer(buffer.baseAddress!)
            Parallel.forEachChunk(of: count) { range in
                for i in range { target.pointer[i] *= scale }
            }
        }
        return result
    }
}
