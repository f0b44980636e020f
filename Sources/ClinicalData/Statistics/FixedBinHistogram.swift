/// Counts of values in equal-width bins fixed in advance, plus counts below and above.
///
/// The bins come from the study's plausible range and bin count, so every site bins alike
/// without seeing anyone else's data, and histograms add bin by bin: the federation's
/// quantiles (the median used for imputation) come from the summed histogram without any
/// value leaving a site. The price is resolution: a quantile is exact to within one bin
/// (e.g. 2 mg/dL for cholesterol over [0, 200] in 100 bins), interpolated linearly inside it.
public struct FixedBinHistogram: Codable, Hashable, Sendable {
    public var lowerBound: Double
    public var upperBound: Double
    public var counts: [Int]
    public var below: Int
    public var above: Int

    public init(range: PlausibleRange, bins: Int) {
        precondition(bins >= 1, "a histogram needs at least one bin")
        lowerBound = range.lowerBound
        upperBound = range.upperBound
        counts = Array(repeating: 0, count: bins)
        below = 0
        above = 0
    }

    public var binWidth: Double { (upperBound - lowerBound) / Double(counts.count) }

    public var total: Int { below + above + counts.reduce(0, +) }

    public mutating func add(_ value: Double) {
        if value < lowerBound {
            below += 1
        } else if value > upperBound {
            above += 1
        } else {
            let bin = Int((value - lowerBound) / binWidth)
            counts[min(bin, counts.count - 1)] += 1
        }
    }

    /// Whether two histograms share bins and can be added.
    public func hasSameBins(as other: FixedBinHistogram) -> Bool {
        lowerBound == other.lowerBound && upperBound == other.upperBound && counts.count == other.counts.count
    }

    public static func + (lhs: FixedBinHistogram, rhs: FixedBinHistogram) -> FixedBinHistogram {
        precondition(lhs.hasSameBins(as: rhs), "histograms with different bins cannot be added")
        var sum = lhs
        sum.below += rhs.below
        sum.above += rhs.above
        for index in sum.counts.indices { sum.counts[index] += rhs.counts[index] }
        return sum
    }

    /// The `q`-quantile (0...1), interpolated linearly within its bin; values below or above
    /// the range count as the range's bounds. Nil when empty.
    public func quantile(_ q: Double) -> Double? {
        let n = total
        guard n > 0 else { return nil }
        let rank = min(max(q, 0), 1) * Double(n)
        var cumulative = Double(below)
        if rank <= cumulative, below > 0 { return lowerBound }
        for (bin, count) in counts.enumerated() where count > 0 {
            if rank <= cumulative + Double(count) {
                let within = (rank - cumulative) / Double(count)
                return lowerBound + (Double(bin) + within) * binWidth
            }
            cumulative += Double(count)
        }
        return upperBound
    }

    /// The midpoint of the bin that holds the `q`-quantile (the k-th smallest value, k = ceil(q n)),
    /// or the range's bound when it lies below or above the range. Exact to half a bin and
    /// never a patient's value, which is why reports publish this rather than the sample median
    /// (with an odd count, the sample median is one patient's exact value). Nil when empty.
    public func binMidpointQuantile(_ q: Double) -> Double? {
        let n = total
        guard n > 0 else { return nil }
        let rank = max(1, Int((min(max(q, 0), 1) * Double(n)).rounded(.up)))
        var cumulative = below
        if rank <= cumulative { return lowerBound }
        for (bin, count) in counts.enumerated() {
            cumulative += count
            if rank <= cumulative { return lowerBound + (Double(bin) + 0.5) * binWidth }
        }
        return upperBound
    }
}
