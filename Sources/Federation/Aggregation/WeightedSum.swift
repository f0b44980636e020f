import Dispatch

/// A running weighted sum of vectors, folded in as they arrive.
///
/// This is the aggregation memory bound: whatever the number of sites, the coordinator holds
/// one accumulator the size of the model, never a list of updates. Large vectors are folded
/// in parallel over disjoint chunks, each chunk a tight loop the compiler vectorizes.
public struct WeightedSum: Sendable {
    public private(set) var sum: [Float]
    public private(set) var totalWeight: Double = 0
    public private(set) var contributions = 0

    /// Below this many scalars, threads cost more than they save.
    public static let parallelThreshold = 1 << 18

    public init(count: Int) {
        sum = [Float](repeating: 0, count: count)
    }

    public var count: Int { sum.count }

    /// `sum += weight * vector`.
    public mutating func add(_ vector: [Float], weight: Double) {
        precondition(vector.count == sum.count, "vector has \(vector.count) values, the sum \(sum.count)")
        vector.withUnsafeBufferPointer { add($0, weight: weight) }
    }

    public mutating func add(_ vector: UnsafeBufferPointer<Float>, weight: Double) {
        precondition(vector.count == sum.count, "vector has \(vector.count) values, the sum \(sum.count)")
        let w = Float(weight)
        let n = sum.count
        sum.withUnsafeMutableBufferPointer { target in
            let t = target.baseAddress!, v = vector.baseAddress!
            if n < WeightedSum.parallelThreshold {
                WeightedSum.axpy(w, v, t, 0..<n)
            } else {
                let chunks = WeightedSum.chunkCount(for: n)
                let chunkSize = (n + chunks - 1) / chunks
                let target = SendablePointer(t), source = SendablePointer(UnsafeMutablePointer(mutating: v))
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = chunk * chunkSize
                    WeightedSum.axpy(w, UnsafePointer(source.pointer), target.pointer, start..<min(n, start + chunkSize))
                }
            }
        }
        totalWeight += weight
        contributions += 1
    }

    /// `sum / totalWeight`: the weighted mean of everything added.
    public func mean() -> [Float] {
        guard totalWeight > 0 else { return sum }
        let scale = Float(1 / totalWeight)
        return sum.map { $0 * scale }
    }

    @inline(__always)
    static func axpy(_ w: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        for i in range { y[i] += w * x[i] }
    }

    /// A few chunks per core, each large enough to stream through memory efficiently.
    static func chunkCount(for n: Int) -> Int {
        let cores = max(1, ProcessorCount.active)
        return max(1, min(cores * 4, n / (WeightedSum.parallelThreshold / 4)))
    }
}

/// A raw pointer handed to the worker threads of one `concurrentPerform`, each of which
/// touches a disjoint range: safe by construction, which the type system cannot see.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
