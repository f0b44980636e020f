import Learning

/// Local model poisoning (Fang, Cao, Jia & Gong, "Local Model Poisoning Attacks to
/// Byzantine-Robust Federated Learning", USENIX Security 2020), full-knowledge variant: the
/// colluders know the round's honest updates and craft theirs against the rule.
/// - Against Krum: every colluder sends -lambda * s, s the sign of the benign mean update
///   (the direction the model would move), with lambda started at the paper's upper bound
///   1/((n - 2m - 1) sqrt(d)) * min_i sum_{l in nearest n-m-2} |b_l - b_i| + 1/sqrt(d) * max_i |b_i|
///   and halved until Krum would choose the crafted update (or lambda < 1e-5).
/// - Against the trimmed mean and the median ("trim attack"): per coordinate j, with the
///   benign maximum and minimum, each colluder sends a value beyond the benign extreme on
///   the side opposite to s_j, drawn uniformly: in [min_j / b, min_j] (min_j > 0) or
///   [b * min_j, min_j] when s_j > 0, and in [max_j, b * max_j] (max_j > 0) or
///   [max_j, max_j / b] when s_j <= 0, with the paper's b = 2.
/// Written on updates (w - w_global) rather than models: the rules see only differences, so
/// the geometry is the same.
public struct FangAttack: Hashable, Sendable {
    public enum Target: Hashable, Sendable { case krum, trimmedMean }

    public var target: Target
    /// b, how far past the benign extreme the trim attack may go.
    public var stretch: Double

    public init(target: Target, stretch: Double = 2) {
        self.target = target
        self.stretch = stretch
    }

    /// `honest`: the honest sites' updates (what Krum will also see); `everyone`: those plus
    /// the colluders' own honest updates (for the benign direction and extremes); `f`: the
    /// Krum rule's tolerance (the colluder count when unknown).
    func craft(honest: [[Float]], everyone: [[Float]], attackers: Int, f: Int?, generator: inout SeededGenerator) -> [Float] {
        guard !everyone.isEmpty else { return [] }
        switch target {
        case .krum: return Self.krumAttack(honest: honest.isEmpty ? everyone : honest, everyone: everyone, attackers: attackers, f: f ?? attackers)
        case .trimmedMean: return trimAttack(everyone, generator: &generator)
        }
    }

    func trimAttack(_ benign: [[Float]], generator: inout SeededGenerator) -> [Float] {
        let count = benign[0].count
        let b = Float(stretch)
        var crafted = [Float](repeating: 0, count: count)
        for j in 0..<count {
            var sum: Float = 0, low = Float.infinity, high = -Float.infinity
            for update in benign {
                sum += update[j]
                low = min(low, update[j])
                high = max(high, update[j])
            }
            let factor = 1 + (b - 1) * generator.nextUnitFloat()  // in [1, b)
            if sum > 0 {
                crafted[j] = low > 0 ? low / factor : low * factor
            } else {
                crafted[j] = high > 0 ? high * factor : high / factor
            }
        }
        return crafted
    }

    static func krumAttack(honest: [[Float]], everyone: [[Float]], attackers m: Int, f: Int) -> [Float] {
        let d = honest[0].count
        let (mean, _) = UpdateStatistics.meanAndDeviation(everyone)
        let s: [Float] = mean.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        let nonzero = Double(s.filter { $0 != 0 }.count)
        let n = honest.count + m
        let pairwise = UpdateStatistics.pairwiseSquaredDistances(honest)
        let rootD = Double(d).squareRoot()
        let norms = honest.map { VectorMath.norm($0) }
        var lambda = (norms.max() ?? 0) / rootD
        let neighbours = min(max(0, n - m - 2), honest.count - 1)
        if n - 2 * m - 1 > 0, neighbours > 0 {
            let spread =
                honest.indices.map { i in
                    honest.indices.filter { $0 != i }.map { pairwise[i][$0].squareRoot() }.sorted().prefix(neighbours).reduce(0, +)
                }.min() ?? 0
            lambda += spread / (Double(n - 2 * m - 1) * rootD)
        }
        // |-lambda s - b_i|^2 = lambda^2 |s|^2 + 2 lambda s.b_i + |b_i|^2, so each try is O(n).
        let dots = honest.map { VectorMath.dot(s, $0) }
        let all = Array(0..<n)
        while lambda >= 1e-5 {
            var distances = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n {
                for k in 0..<n where i != k {
                    switch (i < honest.count, k < honest.count) {
                    case (true, true): distances[i][k] = pairwise[i][k]
                    case (false, false): distances[i][k] = 0
                    case (true, false): distances[i][k] = lambda * lambda * nonzero + 2 * lambda * dots[i] + norms[i] * norms[i]
                    case (false, true): distances[i][k] = lambda * lambda * nonzero + 2 * lambda * dots[k] + norms[k] * norms[k]
                    }
                }
            }
            let scores = krumScores(distances: distances, candidates: all, f: f)
            let chosen = all.min { (scores[$0], $0) < (scores[$1], $1) }!
            if chosen >= honest.count { break }
            lambda /= 2
        }
        return s.map { Float(-lambda) * $0 }
    }
}
