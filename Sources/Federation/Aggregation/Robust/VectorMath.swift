/// Dot products and norms in Double over Float vectors: used by defences to compare updates.
enum VectorMath {
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "vectors differ in length")
        var dot = RunningDot()
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in dot.add(x, y, at: 0) }
        }
        return dot.value
    }

    /// The update's norm and its cosine to `reference` (whose norm the caller computes once
    /// per round), read chunk by chunk wherever the update's delta is: same bits as `norm`
    /// and `cosine` on the whole vector.
    static func normAndCosine(of update: SiteUpdate, to reference: (values: [Float], norm: Double)?) throws -> (norm: Double, cosine: Double?) {
        var squares = RunningDot()
        var dot = RunningDot()
        try update.forEachChunk(of: .delta) { range, values in
            squares.add(values, values, at: range.lowerBound)
            reference?.values.withUnsafeBufferPointer { whole in dot.add(values, UnsafeBufferPointer(rebasing: whole[range]), at: range.lowerBound) }
        }
        let norm = squares.value.squareRoot()
        guard let reference else { return (norm, nil) }
        let denominator = norm * reference.norm
        return (norm, denominator == 0 ? 0 : dot.value / denominator)
    }

    static func norm(_ a: [Float]) -> Double { dot(a, a).squareRoot() }

    /// Cosine similarity; 0 when either vector is zero.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let denominator = norm(a) * norm(b)
        return denominator == 0 ? 0 : dot(a, b) / denominator
    }
}

/// A dot product summed in Float over blocks of 1024 coordinates and in Double across them
/// (fast and accurate enough for norms of millions of values). Blocks follow the absolute
/// coordinate index, so a vector fed in chunks of any size gives the same bits as in one.
struct RunningDot {
    private var sum = 0.0
    private var partial: Float = 0

    mutating func add(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>, at offset: Int) {
        precondition(x.count == y.count, "vectors differ in length")
        for i in 0..<x.count {
            partial += x[i] * y[i]
            if (offset + i) & 1023 == 1023 {
                sum += Double(partial)
                partial = 0
            }
        }
    }

    var value: Double { sum + Double(partial) }
}
