import Foundation

/// The predicted probabilities of one group of test patients, binned per class: the
/// additive statistic behind every validation metric (AUROC with its DeLong interval,
/// operating points, calibration, decision curves).
///
/// Why a histogram: a site must not send its rows' scores, yet the pooled AUROC and
/// calibration over all sites must not be an average of site figures (that is a different,
/// and wrong, quantity). Histograms on a fixed bin grid add up: the sum of the sites'
/// histograms is the histogram of the pooled rows, so every pooled metric is computed from
/// sums alone, exactly as it would be on the pooled rows binned the same way. Bin `b` holds
/// probabilities in `[b / binCount, (b + 1) / binCount)`; the last bin also holds 1.
///
/// Besides the counts, each cell keeps the sum of its rows' logits per class (so logistic
/// recalibration can use the rows' own mean logit per bin and class instead of the bin's
/// centre) and the sum of their probabilities (observed/expected and the reliability
/// diagram's mean predicted risk, exactly). Only non-empty bins are stored, in bin order.
public struct ScoreHistogram: Hashable, Sendable, Codable {
    /// One non-empty bin.
    public struct Cell: Hashable, Sendable, Codable {
        public var bin: Int
        public var negatives: Int
        public var positives: Int
        /// Sum of the logits of the bin's negatives (each clamped to `±logitLimit`).
        public var negativeLogitSum: Double
        /// Sum of the logits of the bin's positives (each clamped to `±logitLimit`).
        public var positiveLogitSum: Double
        /// Sum of the predicted probabilities of every row in the bin.
        public var probabilitySum: Double

        public init(
            bin: Int, negatives: Int = 0, positives: Int = 0, negativeLogitSum: Double = 0,
            positiveLogitSum: Double = 0, probabilitySum: Double = 0
        ) {
            self.bin = bin
            self.negatives = negatives
            self.positives = positives
            self.negativeLogitSum = negativeLogitSum
            self.positiveLogitSum = positiveLogitSum
            self.probabilitySum = probabilitySum
        }

        public var count: Int { negatives + positives }

        static func + (lhs: Cell, rhs: Cell) -> Cell {
            Cell(
                bin: lhs.bin, negatives: lhs.negatives + rhs.negatives, positives: lhs.positives + rhs.positives,
                negativeLogitSum: lhs.negativeLogitSum + rhs.negativeLogitSum,
                positiveLogitSum: lhs.positiveLogitSum + rhs.positiveLogitSum,
                probabilitySum: lhs.probabilitySum + rhs.probabilitySum)
        }
    }

    /// Logits beyond this (probabilities within 1e-13 of 0 or 1) enter the logit sums as
    /// `±logitLimit`, so one saturated score cannot make a calibration fit infinite.
    public static let logitLimit = 30.0

    public private(set) var binCount: Int
    /// Non-empty bins in ascending order.
    public private(set) var cells: [Cell]

    /// An empty histogram on a grid of `binCount` bins.
    public init(binCount: Int) {
        precondition(binCount >= 1, "a histogram needs at least one bin")
        self.binCount = binCount
        cells = []
    }

    /// A histogram as received (e.g. from the wire): cells must be in ascending bin order,
    /// within the grid, non-empty, with finite sums.
    public init(binCount: Int, cells: [Cell]) throws(ValidationStatisticsError) {
        guard binCount >= 1, binCount <= ValidationStatistics.maximumBinCount else {
            throw .malformed("a histogram needs 1 to \(ValidationStatistics.maximumBinCount) bins, got \(binCount)")
        }
        var previous = -1
        for cell in cells {
            guard cell.bin > previous, cell.bin < binCount else {
                throw .malformed("histogram bins must be distinct, ascending and below \(binCount); got bin \(cell.bin) after \(previous)")
            }
            guard cell.negatives >= 0, cell.positives >= 0, cell.count > 0 else {
                throw .malformed("histogram bin \(cell.bin) has counts \(cell.negatives) and \(cell.positives)")
            }
            guard cell.negativeLogitSum.isFinite, cell.positiveLogitSum.isFinite, cell.probabilitySum.isFinite else {
                throw .malformed("histogram bin \(cell.bin) holds a sum that is not a finite number")
            }
            previous = cell.bin
        }
        self.binCount = binCount
        self.cells = cells
    }

    /// The histogram of `logits` (one binary logit per row) against `labels` (0 or 1),
    /// over the rows `rows` only.
    public init(logits: [Float], labels: [Float], rows: some Sequence<Int>, binCount: Int) throws(ValidationStatisticsError) {
        self.init(binCount: binCount)
        var byBin: [Int: Cell] = [:]
        for row in rows {
            let logit = Double(logits[row])
            guard !logit.isNaN else { throw .nonFiniteScore(row: row) }
            let probability = 1 / (1 + exp(-logit))
            let bin = Self.bin(of: probability, binCount: binCount)
            let clamped = min(max(logit, -Self.logitLimit), Self.logitLimit)
            var cell = byBin[bin] ?? Cell(bin: bin)
            if labels[row] == 1 {
                cell.positives += 1
                cell.positiveLogitSum += clamped
            } else {
                cell.negatives += 1
                cell.negativeLogitSum += clamped
            }
            cell.probabilitySum += probability
            byBin[bin] = cell
        }
        cells = byBin.values.sorted { $0.bin < $1.bin }
    }

    /// The bin a probability falls in: `floor(p * binCount)`, with 1 in the last bin.
    public static func bin(of probability: Double, binCount: Int) -> Int {
        min(binCount - 1, max(0, Int((probability * Double(binCount)).rounded(.down))))
    }

    public var negatives: Int { cells.reduce(0) { $0 + $1.negatives } }
    public var positives: Int { cells.reduce(0) { $0 + $1.positives } }
    public var count: Int { cells.reduce(0) { $0 + $1.count } }

    /// The histogram of both groups' rows together (bin grids must match).
    public static func + (lhs: ScoreHistogram, rhs: ScoreHistogram) -> ScoreHistogram {
        precondition(lhs.binCount == rhs.binCount, "histograms on different bin grids do not add")
        var merged = ScoreHistogram(binCount: lhs.binCount)
        var i = 0, j = 0
        while i < lhs.cells.count || j < rhs.cells.count {
            if j == rhs.cells.count || (i < lhs.cells.count && lhs.cells[i].bin < rhs.cells[j].bin) {
                merged.cells.append(lhs.cells[i])
                i += 1
            } else if i == lhs.cells.count || rhs.cells[j].bin < lhs.cells[i].bin {
                merged.cells.append(rhs.cells[j])
                j += 1
            } else {
                merged.cells.append(lhs.cells[i] + rhs.cells[j])
                i += 1
                j += 1
            }
        }
        return merged
    }
}
