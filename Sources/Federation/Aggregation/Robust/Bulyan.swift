/// Bulyan (El Mhamdi, Guerraoui & Rouault, ICML 2018): pick theta = n - 2f updates by
/// applying Krum repeatedly (removing each pick), then per coordinate average the
/// beta = theta - 2f selected values closest to their median. Needs n >= 4f + 3.
public struct Bulyan: AggregationRule {
    public let f: Int

    public init(f: Int) throws(AggregationRuleError) {
        guard f >= 0 else { throw .invalid("Bulyan needs f >= 0, got \(f)") }
        self.f = f
    }

    public var name: String { "bulyan" }
    public var minimumUpdates: Int { 4 * f + 3 }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        let f = f, minimum = minimumUpdates
        return BufferedAggregator(parameterCount: context.globalParameters.count) { store, _ in
            let n = store.count
            guard n >= minimum else { throw AggregationRuleError.tooFewUpdates(rule: "bulyan", needed: minimum, got: n) }
            let distances = try pairwiseSquaredDistances(in: store)
            var remaining = Array(0..<n)
            var selected: [Int] = []
            while selected.count < n - 2 * f {
                let scores = krumScores(distances: distances, candidates: remaining, f: f)
                let best = remaining.indices.min { (scores[$0], remaining[$0]) < (scores[$1], remaining[$1]) }!
                selected.append(remaining.remove(at: best))
            }
            selected.sort()
            let beta = selected.count - 2 * f
            let delta = try aggregateCoordinates(of: store, rows: selected) { values, count in
                Bulyan.meanClosestToMedian(values, count: count, keep: beta)
            }
            var shares = [Double](repeating: 0, count: n)
            for index in selected { shares[index] = 1 / Double(selected.count) }
            return (delta, shares)
        }
    }

    /// Mean of the `keep` values nearest the median: in sorted order they form a contiguous
    /// window, grown outward from the median by taking the nearer neighbour each time.
    static func meanClosestToMedian(_ values: UnsafeMutablePointer<Float>, count: Int, keep: Int) -> Float {
        var buffer = UnsafeMutableBufferPointer(start: values, count: count)
        buffer.sort()
        let median = count % 2 == 1 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2
        var left = count / 2 - 1, right = count / 2
        var sum: Float = 0
        for _ in 0..<keep {
            if left < 0 || (right < count && abs(values[right] - median) < abs(values[left] - median)) {
                sum += values[right]
                right += 1
            } else {
                sum += values[left]
                left -= 1
            }
        }
        return sum / Float(keep)
    }
}
