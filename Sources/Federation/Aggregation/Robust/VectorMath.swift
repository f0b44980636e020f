/// Dot products and norms in Double over Float vectors: used by defences to compare updates.
enum VectorMath {
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "vectors differ in length")
        var sum = 0.0
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var partial: Float = 0
                for i in 0..<x.count {
                    partial += x[i] * y[i]
                    if i & 1023 == 1023 { sum += Double(partial); partial = 0 }
                }
                sum += Double(partial)
            }
        }
        return sum
    }

    static func norm(_ a: [Float]) -> Double { dot(a, a).squareRoot() }

    /// Cosine similarity; 0 when either vector is zero.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let denominator = norm(a) * norm(b)
        return denominator == 0 ? 0 : dot(a, b) / denominator
    }
}
