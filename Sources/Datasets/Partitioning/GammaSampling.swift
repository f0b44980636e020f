import Foundation
import Learning

extension SeededGenerator {
    /// log of a Gamma(shape, 1) draw, by Marsaglia & Tsang (2000), "A simple method for
    /// generating gamma variables", ACM TOMS 26(3):363-372.
    ///
    /// Returned as a logarithm because Dirichlet partitions use concentrations as small as
    /// 0.01, where the draw for shape < 1 (Gamma(shape + 1) * U^(1/shape), same paper, section 6)
    /// underflows Double to 0 and would make every proportion 0/0.
    mutating func nextLogGamma(shape: Double) -> Double {
        precondition(shape > 0 && shape.isFinite, "gamma shape must be positive and finite")
        if shape < 1 {
            let boost = nextLogGamma(shape: shape + 1)
            return boost + Foundation.log(nextOpenUnitDouble()) / shape
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = nextGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextOpenUnitDouble()
            let xx = x * x
            // The squeeze test accepts ~98% of draws without a logarithm.
            if u < 1 - 0.0331 * xx * xx || Foundation.log(u) < 0.5 * xx + d * (1 - v + Foundation.log(v)) {
                return Foundation.log(d) + Foundation.log(v)
            }
        }
    }

    /// A draw from the symmetric Dirichlet(alpha, ..., alpha) over `count` categories: normalized
    /// independent Gamma(alpha) draws, combined in log space so tiny alphas stay well defined.
    mutating func nextDirichlet(concentration alpha: Double, count: Int) -> [Double] {
        let logs = (0..<count).map { _ in nextLogGamma(shape: alpha) }
        let peak = logs.max() ?? 0
        let weights = logs.map { Foundation.exp($0 - peak) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Uniform in (0, 1): never 0, so its logarithm is finite.
    mutating func nextOpenUnitDouble() -> Double {
        var u = nextUnitDouble()
        while u == 0 { u = nextUnitDouble() }
        return u
    }
}
