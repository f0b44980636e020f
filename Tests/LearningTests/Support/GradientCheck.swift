import Testing

@testable import Learning

/// Compares analytic gradients with central finite differences of a scalar objective.
///
/// A coordinate passes when `|analytic - numeric| <= absolute * scale + relative *
/// max(|analytic|, |numeric|)`, where `scale` is the largest analytic entry: entries that
/// cancel to almost nothing are judged against the size of the whole gradient, as their
/// Float rounding is.
///
/// Piecewise-linear functions (ReLU, max pooling) have kinks, and a step that crosses one
/// gives a meaningless quotient; a smaller step that does not cross it gives the true
/// derivative. So several steps may be given, largest first: a coordinate passes if it
/// matches at any of them. A wrong gradient matches at none.
struct GradientCheck {
    var relative: Double = 2e-3
    var absolute: Double = 2e-4

    struct Report {
        var checked = 0
        /// Coordinates that matched only at a smaller step than the first (a kink nearby).
        var neededSmallerStep = 0
    }

    /// The objective computed from a Float layer's outputs (summed in Double). Each quotient
    /// divides by the distance actually stepped (`x ± h` rounded to Float), not by `2h`.
    @discardableResult
    func compare(
        _ analytic: [Float], at point: [Float], steps: [Float] = [1e-2], _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        objective: ([Float]) -> Double
    ) -> Report {
        var x = point
        return compare(analytic, count: point.count, attempts: steps.count, label, sourceLocation: sourceLocation) { i, attempt in
            let original = x[i]
            let up = original + steps[attempt], down = original - steps[attempt]
            x[i] = up
            let above = objective(x)
            x[i] = down
            let below = objective(x)
            x[i] = original
            return (above - below) / (Double(up) - Double(down))
        }
    }

    /// The objective computed in Double at Double points (a reference implementation), where
    /// steps of 1e-7 are accurate and fall between kinks.
    @discardableResult
    func compare(
        _ analytic: [Float], at point: [Double], steps: [Double], _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        objective: ([Double]) -> Double
    ) -> Report {
        var x = point
        return compare(analytic, count: point.count, attempts: steps.count, label, sourceLocation: sourceLocation) { i, attempt in
            let original = x[i]
            x[i] = original + steps[attempt]
            let above = objective(x)
            x[i] = original - steps[attempt]
            let below = objective(x)
            x[i] = original
            return (above - below) / (2 * steps[attempt])
        }
    }

    private func compare(
        _ analytic: [Float], count: Int, attempts: Int, _ label: String, sourceLocation: SourceLocation,
        numeric: (_ index: Int, _ attempt: Int) -> Double
    ) -> Report {
        #expect(
            analytic.count == count, "\(label): \(analytic.count) gradient entries for \(count) values",
            sourceLocation: sourceLocation)
        let finite = analytic.allSatisfy { $0.isFinite }
        #expect(finite, "\(label): non-finite gradient entries", sourceLocation: sourceLocation)
        guard analytic.count == count, finite else { return Report() }
        let scale = analytic.map { Double(abs($0)) }.max() ?? 0
        var report = Report()
        var failures: [String] = []
        for i in 0..<count {
            let a = Double(analytic[i])
            var tried: [Double] = []
            for attempt in 0..<attempts {
                let n = numeric(i, attempt)
                tried.append(n)
                if abs(a - n) <= absolute * scale + relative * max(abs(a), abs(n)) { break }
            }
            report.checked += 1
            if tried.count > 1 { report.neededSmallerStep += 1 }
            let last = tried.last ?? .nan
            if !(abs(a - last) <= absolute * scale + relative * max(abs(a), abs(last))) {
                failures.append("[\(i)] analytic \(a), numeric \(tried)")
            }
        }
        #expect(
            failures.isEmpty,
            "\(label): \(failures.count) of \(report.checked) derivatives differ: \(failures.prefix(6).joined(separator: "; "))",
            sourceLocation: sourceLocation)
        return report
    }
}

extension Array where Element == Float {
    /// `sum(self[i] * weights[i])` in Double: the linear objective a layer's output is probed with.
    func dot(_ weights: [Float]) -> Double {
        precondition(count == weights.count)
        var total = 0.0
        for i in indices { total += Double(self[i]) * Double(weights[i]) }
        return total
    }
}

extension SeededGenerator {
    /// `count` values uniform in `range`.
    mutating func floats(_ count: Int, in range: Range<Float> = -1..<1) -> [Float] {
        (0..<count).map { _ in nextFloat(in: range) }
    }

    /// `count` values uniform in ±`range` but at least `margin` away from zero, so that a
    /// ReLU's kink lies further away than any finite-difference step.
    mutating func floats(_ count: Int, awayFromZeroBy margin: Float, magnitude: Float = 1) -> [Float] {
        (0..<count).map { _ in
            let value = nextFloat(in: margin..<magnitude)
            return nextUnitFloat() < 0.5 ? -value : value
        }
    }

    /// `count` distinct values, shuffled, spaced `gap` apart and centred on zero: every pair
    /// differs by at least `gap`, so no max-pooling window has a near tie.
    mutating func distinctFloats(_ count: Int, gap: Float) -> [Float] {
        permutation(count).map { (Float($0) - Float(count) / 2) * gap }
    }
}
