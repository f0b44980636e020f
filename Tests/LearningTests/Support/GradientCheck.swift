import Testing
@testable import Learning

/// Compares analytic gradients with central finite differences of a scalar objective.
///
/// The layers compute in Float, so the objective is summed in Double from their Float outputs,
/// and each difference quotient divides by the distance actually stepped (`x + h` and `x - h`
/// rounded to Float), not by the nominal `2h`. A coordinate passes when
/// `|analytic - numeric| <= absolute * scale + relative * max(|analytic|, |numeric|)`, where
/// `scale` is the largest analytic entry: entries that cancel to almost nothing are judged
/// against the size of the whole gradient, as their Float rounding is.
struct GradientCheck {
    /// Steps to try, largest first. A piecewise-linear function (ReLU, max pooling) has kinks,
    /// and a step that crosses one gives a meaningless quotient; a smaller step that does not
    /// cross it gives the true derivative. A wrong gradient matches at no step.
    var steps: [Float] = [1e-2]
    var relative: Double = 2e-3
    var absolute: Double = 2e-4

    struct Report {
        var checked = 0
        /// Coordinates that matched only at a smaller step than the first (a kink nearby).
        var neededSmallerStep = 0
    }

    @discardableResult
    func compare(_ analytic: [Float], at point: [Float], coordinates: [Int]? = nil, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation,
                 objective: ([Float]) -> Double) -> Report {
        #expect(analytic.count == point.count, "\(label): \(analytic.count) gradient entries for \(point.count) values",
                sourceLocation: sourceLocation)
        guard analytic.count == point.count else { return Report() }
        #expect(analytic.allSatisfy { $0.isFinite }, "\(label): non-finite gradient entries", sourceLocation: sourceLocation)
        let scale = analytic.map { Double(abs($0)) }.max() ?? 0
        var report = Report()
        var x = point
        var failures: [String] = []
        for i in coordinates ?? Array(point.indices) {
            let a = Double(analytic[i])
            var matched = false
            var tried: [Double] = []
            for (attempt, step) in steps.enumerated() {
                let original = x[i]
                let up = original + step, down = original - step
                x[i] = up
                let above = objective(x)
                x[i] = down
                let below = objective(x)
                x[i] = original
                let numeric = (above - below) / (Double(up) - Double(down))
                tried.append(numeric)
                if abs(a - numeric) <= absolute * scale + relative * max(abs(a), abs(numeric)) {
                    matched = true
                    if attempt > 0 { report.neededSmallerStep += 1 }
                    break
                }
            }
            report.checked += 1
            if !matched { failures.append("[\(i)] analytic \(a), numeric \(tried)") }
        }
        #expect(failures.isEmpty,
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
