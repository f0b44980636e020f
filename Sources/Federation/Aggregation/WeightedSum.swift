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
        let whole = 0..<count
        do { try add(weight: weight) { fold in try fold(whole, vector) } } catch {
            preconditionFailure("a whole vector in memory cannot fail to be added: \(error)")
        }
    }

    /// `sum += weight * vector` for a vector read in consecutive chunks (a deferred update):
    /// `feed` is given the function that folds one chunk, and must hand them over in order
    /// (`SiteUpdate.forEachChunk` checks a transport's chunks). The result has the same bits
    /// as adding the whole vector at once. If `feed` throws or stops short, the sum holds part
    /// of the vector and is of no further use: the error says so and the caller must drop it.
    public mutating func add(
        weight: Double,
        inChunks feed: (_ fold: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws -> Void
    ) throws {
        let w = Float(weight)
        let first = contributions == 0
        let count = count
        var next = 0
        do {
            try feed { range, chunk in
                precondition(
                    range.lowerBound == next && range.upperBound <= count && chunk.count == range.count,
                    "chunk \(range) fed where one starting at \(next) was expected")
                if storage.isEmpty && range == 0..<count {
                    // The first vector whole: written straight in, no zero-filling pass.
                    storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                        Self.fold(chunk, into: buffer, scale: w, first: true)
                        initialized = count
                    }
                } else {
                    if storage.isEmpty { storage = [Float](repeating: 0, count: count) }
                    storage.withUnsafeMutableBufferPointer { target in
                        Self.fold(chunk, into: UnsafeMutableBufferPointer(rebasing: target[range]), scale: w, first: first)
                    }
                }
                next = range.upperBound
            }
        } catch {
            throw WeightedSumError.partial(read: next, count: count, reason: String(describing: error))
        }
        guard next == count else { throw WeightedSumError.partial(read: next, count: count, reason: "the vector ended early") }
        totalWeight += weight
        contributions += 1
    }

    /// `target = scale * source` (the first contribution: no zero-filling pass) or
    /// `target += scale * source`, over disjoint chunks in parallel.
    private static func fold(_ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>, scale: Float, first: Bool) {
        guard !source.isEmpty else { return }
        let input = SharedPointer(source.baseAddress!)
        let output = SharedPointer(target.baseAddress!)
        if first {
            Parallel.forEachChunk(of: source.count) { range in
                for i in range { output.pointer[i] = scale * input.pointer[i] }
            }
        } else {
            Parallel.forEachChunk(of: source.count) { range in
                for i in range { output.pointer[i] += scale * input.pointer[i] }
            }
        }
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

/// A vector fed in chunks could not be added whole.
public enum WeightedSumError: Error, CustomStringConvertible {
    case partial(read: Int, count: Int, reason: String)

    public var description: String {
        switch self {
        case .partial(let read, let count, let reason):
            "only \(read) of \(count) values could be added (\(reason)); the round's sum is incomplete"
        }
    }
}
