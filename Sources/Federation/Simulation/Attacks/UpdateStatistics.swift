/// Coordinate-wise statistics of a round's honest updates, the raw material of every
/// optimization attack (ALIE, Fang, Min-Max/Min-Sum): one implementation, so the attacks
/// agree on what "the benign mean" and "the benign spread" are.
enum UpdateStatistics {
    /// Per coordinate, the mean and the population standard deviation (divided by n).
    static func meanAndDeviation(_ updates: [[Float]]) -> (mean: [Float], deviation: [Float]) {
        let n = Float(updates.count)
        let count = updates.first?.count ?? 0
        var mean = [Float](repeating: 0, count: count)
        var deviation = [Float](repeating: 0, count: count)
        for j in 0..<count {
            var sum: Float = 0
            for update in updates { sum += update[j] }
            let average = sum / n
            var variance: Float = 0
            for update in updates { variance += (update[j] - average) * (update[j] - average) }
            mean[j] = average
            deviation[j] = (variance / n).squareRoot()
        }
        return (mean, deviation)
    }

    static func squaredDistance(_ a: [Float], _ b: [Float]) -> Double {
        var total = 0.0
        for j in a.indices {
            let d = Double(a[j] - b[j])
            total += d * d
        }
        return total
    }

    /// Squared distances between every pair of `updates`.
    static func pairwiseSquaredDistances(_ updates: [[Float]]) -> [[Double]] {
        var distances = [[Double]](repeating: [Double](repeating: 0, count: updates.count), count: updates.count)
        for i in updates.indices {
            for k in (i + 1)..<updates.count {
                let d = squaredDistance(updates[i], updates[k])
                distances[i][k] = d
                distances[k][i] = d
            }
        }
        return distances
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// `update` scaled down so its norm is at most `bound` (unchanged when it already is).
    static func clipped(_ update: [Float], to bound: Double) -> [Float] {
        let norm = VectorMath.norm(update)
        guard norm > bound, norm > 0 else { return update }
        let factor = Float(bound / norm)
        return update.map { $0 * factor }
    }
}
