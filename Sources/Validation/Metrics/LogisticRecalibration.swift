import Federation
import Foundation

/// Calibration by logistic recalibration, fitted on a score histogram.
///
/// The model's logit `x` is the covariate; `logit P(y = 1) = a + b x` (Cox, "Two further
/// applications of a model for binary regression", Biometrika 45:562-565, 1958). The slope
/// `b` is the calibration slope (1: predictions neither too extreme nor too modest) and `a`
/// the calibration intercept of that fit; calibration-in-the-large is the intercept of the
/// model with the slope fixed at 1, `logit P(y = 1) = a + x` (x as an offset; 0: the
/// predictions are right on average). Van Calster et al., "A calibration hierarchy for risk
/// models was defined: from utopia to empirical data", J Clin Epidemiol 74:167-176 (2016).
///
/// Binned fit: every (bin, class) cell of the histogram stands for its rows with their mean
/// logit as the covariate, weighted by its count. The log-likelihood is then that of the rows
/// with each logit replaced by its cell's mean, which the fit maximizes exactly by Newton's
/// method (the Hessian of the logistic log-likelihood is negative definite, so Newton
/// converges from the identity start `a = 0, b = 1`); standard errors come from the inverse
/// observed information at the maximum, as every logistic-regression package reports them.
/// Within a cell of width 0.001 in probability, replacing a logit by the cell mean moves the
/// fit by far less than its standard error.
public struct LogisticRecalibration: Hashable, Sendable {
    public var slope: Interval
    public var intercept: Interval
    public var iterations: Int

    /// One weighted observation of the binned data.
    struct Observation {
        var x: Double
        var y: Double
        var weight: Double
    }

    static func observations(_ histogram: ScoreHistogram) -> [Observation] {
        var rows: [Observation] = []
        for cell in histogram.cells {
            if cell.negatives > 0 {
                rows.append(Observation(x: cell.negativeLogitSum / Double(cell.negatives), y: 0, weight: Double(cell.negatives)))
            }
            if cell.positives > 0 {
                rows.append(Observation(x: cell.positiveLogitSum / Double(cell.positives), y: 1, weight: Double(cell.positives)))
            }
        }
        return rows
    }

    static let maximumIterations = 100
    static let tolerance = 1e-12

    /// The two-parameter fit: calibration slope and intercept.
    public init(_ histogram: ScoreHistogram) throws(NotEstimable) {
        try Self.requireBothClasses(histogram)
        let rows = Self.observations(histogram)
        guard Set(rows.map(\.x)).count > 1 else {
            throw NotEstimable("not estimable: every patient has the same score, so no slope can be fitted")
        }
        var a = 0.0, b = 1.0
        for iteration in 1...Self.maximumIterations {
            // Gradient g and information I = -Hessian of the log-likelihood.
            var g0 = 0.0, g1 = 0.0, i00 = 0.0, i01 = 0.0, i11 = 0.0
            for row in rows {
                let p = 1 / (1 + exp(-(a + b * row.x)))
                let residual = row.weight * (row.y - p)
                let w = row.weight * p * (1 - p)
                g0 += residual
                g1 += residual * row.x
                i00 += w
                i01 += w * row.x
                i11 += w * row.x * row.x
            }
            let determinant = i00 * i11 - i01 * i01
            guard determinant > 0, determinant.isFinite else {
                throw NotEstimable("not estimable: the classes are perfectly separated by the score (the fit diverges)")
            }
            let stepA = (i11 * g0 - i01 * g1) / determinant
            let stepB = (i00 * g1 - i01 * g0) / determinant
            a += stepA
            b += stepB
            if abs(stepA) < Self.tolerance * max(1, abs(a)) && abs(stepB) < Self.tolerance * max(1, abs(b)) {
                let covariance = try Self.inverseInformation(rows, a: a, b: b)
                slope = Interval(estimate: b, standardError: covariance.bb.squareRoot())
                intercept = Interval(estimate: a, standardError: covariance.aa.squareRoot())
                iterations = iteration
                guard slope.isFinite, intercept.isFinite else {
                    throw NotEstimable("not estimable: the fit's standard errors are not finite")
                }
                return
            }
        }
        throw NotEstimable(
            "not estimable: the fit did not converge in \(Self.maximumIterations) Newton steps (the classes are probably separated by the score)")
    }

    /// Variances of a and b at the maximum: the diagonal of the inverse information.
    private static func inverseInformation(_ rows: [Observation], a: Double, b: Double) throws(NotEstimable) -> (aa: Double, bb: Double) {
        var i00 = 0.0, i01 = 0.0, i11 = 0.0
        for row in rows {
            let p = 1 / (1 + exp(-(a + b * row.x)))
            let w = row.weight * p * (1 - p)
            i00 += w
            i01 += w * row.x
            i11 += w * row.x * row.x
        }
        let determinant = i00 * i11 - i01 * i01
        guard determinant > 0 else { throw NotEstimable("not estimable: the information matrix is singular") }
        return (i11 / determinant, i00 / determinant)
    }

    /// Calibration-in-the-large: the intercept with the slope fixed at 1 (logit as offset),
    /// with its standard error `1 / sqrt(sum w p (1 - p))`.
    public static func calibrationInTheLarge(_ histogram: ScoreHistogram) throws(NotEstimable) -> Interval {
        try requireBothClasses(histogram)
        let rows = observations(histogram)
        var a = 0.0
        for _ in 1...maximumIterations {
            var gradient = 0.0, information = 0.0
            for row in rows {
                let p = 1 / (1 + exp(-(a + row.x)))
                gradient += row.weight * (row.y - p)
                information += row.weight * p * (1 - p)
            }
            guard information > 0, information.isFinite else {
                throw NotEstimable("not estimable: the predictions are all 0 or 1")
            }
            let step = gradient / information
            a += step
            if abs(step) < tolerance * max(1, abs(a)) {
                var atMaximum = 0.0
                for row in rows {
                    let p = 1 / (1 + exp(-(a + row.x)))
                    atMaximum += row.weight * p * (1 - p)
                }
                let result = Interval(estimate: a, standardError: 1 / atMaximum.squareRoot())
                guard result.isFinite else { throw NotEstimable("not estimable: the standard error is not finite") }
                return result
            }
        }
        throw NotEstimable("not estimable: the fit did not converge in \(maximumIterations) Newton steps")
    }

    private static func requireBothClasses(_ histogram: ScoreHistogram) throws(NotEstimable) {
        guard histogram.positives > 0, histogram.negatives > 0 else {
            throw NotEstimable("not estimable: the test set holds only \(histogram.positives == 0 ? "negatives" : "positives") (one class)")
        }
    }
}
