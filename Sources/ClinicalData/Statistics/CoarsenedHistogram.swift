/// A site's histogram as it leaves the site: the study's fixed bins, merged left to right
/// until each merged bin holds no value or at least `threshold` (11) of them, and each merged
/// bin's count spread evenly over the cells it covers (`below`, the bins, `above`).
///
/// Fine bins with one or two patients in them give those patients' values away to within a
/// bin; merged bins do not. A site with fewer than 11 values sends no weight at all: one bin
/// spanning the whole range would say nothing about where the values lie and would pull the
/// federation's median towards the middle of the range (its present count is in the summary
/// anyway). Spreading keeps the
/// layout fixed by the study, so histograms still add cell by cell (and travel as one vector
/// under secure aggregation); the price is resolution where a site has few values, which only
/// moves the federation's median within the merged range.
public struct CoarsenedHistogram: Codable, Hashable, Sendable {
    public var lowerBound: Double
    public var upperBound: Double
    /// Spread counts of the values below the range, in each bin, and above the range.
    public var below: Double
    public var weights: [Double]
    public var above: Double

    /// `threshold` nil: the bins as they are (statistics that stay at the site).
    public init(_ histogram: FixedBinHistogram, threshold: Int?) {
        lowerBound = histogram.lowerBound
        upperBound = histogram.upperBound
        let cells = [histogram.below] + histogram.counts + [histogram.above]
        guard let threshold else {
            below = Double(histogram.below)
            weights = histogram.counts.map(Double.init)
            above = Double(histogram.above)
            return
        }
        // Runs of consecutive cells, each closed once it holds `threshold` values.
        var runs = [(start: Int, end: Int, count: Int)]()
        var start = 0
        var count = 0
        for (index, cell) in cells.enumerated() {
            count += cell
            if count >= threshold {
                runs.append((start, index, count))
                start = index + 1
                count = 0
            }
        }
        if start < cells.count {
            if count > 0, let last = runs.popLast() {
                runs.append((last.start, cells.count - 1, last.count + count))  // a small remainder joins the run before it
            } else if runs.isEmpty {
                runs.append((start, cells.count - 1, 0))  // fewer than `threshold` values: nothing sent
            }
        }
        var spread = [Double](repeating: 0, count: cells.count)
        for run in runs {
            let share = Double(run.count) / Double(run.end - run.start + 1)
            for index in run.start...run.end { spread[index] = share }
        }
        below = spread[0]
        weights = Array(spread[1..<(cells.count - 1)])
        above = spread[cells.count - 1]
    }

    public var binWidth: Double { (upperBound - lowerBound) / Double(weights.count) }

    public var total: Double { below + above + weights.reduce(0, +) }

    public func hasSameBins(as other: CoarsenedHistogram) -> Bool {
        lowerBound == other.lowerBound && upperBound == other.upperBound && weights.count == other.weights.count
    }

    public static func + (lhs: CoarsenedHistogram, rhs: CoarsenedHistogram) -> CoarsenedHistogram {
        precondition(lhs.hasSameBins(as: rhs), "histograms with different bins cannot be added")
        var sum = lhs
        sum.below += rhs.below
        sum.above += rhs.above
        for index in sum.weights.indices { sum.weights[index] += rhs.weights[index] }
        return sum
    }

    /// The midpoint of the bin where the cumulative weight first reaches `q` of the total (the
    /// range's bounds below and above it): the federation's median to within the bins, never a
    /// patient's value. Nil when empty.
    public func binMidpointQuantile(_ q: Double) -> Double? {
        let total = self.total
        guard total > 0 else { return nil }
        let target = min(max(q, 0), 1) * total
        var cumulative = below
        if target <= cumulative, below > 0 { return lowerBound }
        for (bin, weight) in weights.enumerated() where weight > 0 {
            cumulative += weight
            if target <= cumulative + 1e-9 { return lowerBound + (Double(bin) + 0.5) * binWidth }
        }
        return upperBound
    }
}
