import Foundation

/// The neighbour graph and Shamir threshold t for a round, with the failure bounds they give.
///
/// Model (semi-honest, after Bell et al., "Secure Single-Server Aggregation with
/// (Poly)Logarithmic Overhead", CCS 2020): the coordinator may collude with up to
/// C = floor(gamma n) clients, and up to D = floor(delta n) clients may drop out, both fixed
/// independently of the graph's random labelling. With the Harary graph H(k, n) on random
/// labels, r = floor(k/2), and HG(N, K, m) the hypergeometric law, the round is
///
/// - private unless (S1) some honest client has t or more corrupt neighbours (they could pool
///   t shares of its secrets), or (S2) the honest survivors fall apart into two components
///   (the sum of one would leak), which needs two disjoint runs of r consecutive ring
///   positions that are all corrupt or dropped:
///
///       P_priv <= n Pr[HG(n-1, C, k) >= t] + C(n, 2) C(C + D, 2r) / C(n, 2r)  <=  2^-sigma
///
/// - correct unless (C1) some client keeps fewer than t neighbours to recover its secrets:
///
///       P_fail <= n Pr[HG(n-1, D, k) > k - t]  <=  2^-eta
///
/// These are Bell et al.'s three graph conditions (each honest neighbourhood has fewer than t
/// corrupt members, the honest survivors stay connected, every neighbourhood keeps t
/// survivors) evaluated with exact hypergeometric tails and union bounds instead of the
/// paper's Chernoff-style bounds, so small cohorts get the smallest k the same conditions allow.
///
/// t is further held above k/2 (a majority of each neighbourhood): a coordinator that lies
/// about who dropped would need t shares of a client's self-mask seed and t shares of its
/// mask key from two disjoint groups of its neighbours, and 2t > k rules that out (each
/// client answers once and never reveals both kinds of share for one peer).
///
/// `automatic` takes the smallest even k (and the largest t for it) meeting both bounds, and
/// the complete graph when no k <= n - 2 does. For the complete graph (SecAgg, Bonawitz et al.
/// 2017) the conditions are deterministic: t = n - 1 - D, which needs t > C and 2t > n - 1.
public struct SecAggGraphPlan: Hashable, Sendable, Codable, CustomStringConvertible {
    public var shape: GraphShape
    public var threshold: Int
    /// log2 of the bound on the probability that the coordinator learns more than the sum;
    /// -infinity when it cannot happen within the tolerances.
    public var privacyFailureLog2: Double
    /// log2 of the bound on the probability that the round aborts within the tolerances.
    public var correctnessFailureLog2: Double

    public static let defaultSecurityBits = 40.0
    public static let defaultCorrectnessBits = 30.0

    public var description: String {
        func bound(_ log2: Double) -> String { log2 == -.infinity ? "0" : String(format: "2^%.1f", log2) }
        return "\(shape), t = \(threshold) (privacy failure <= \(bound(privacyFailureLog2)), abort <= \(bound(correctnessFailureLog2)))"
    }

    /// The complete graph with t = n - 1 - floor(delta n).
    public static func complete(clients n: Int, dropout delta: Double, corruption gamma: Double) throws(SecAggError) -> SecAggGraphPlan {
        let (corrupt, dropped) = try counts(clients: n, dropout: delta, corruption: gamma)
        let threshold = n - 1 - dropped
        guard 2 * threshold > n - 1 else {
            throw .configuration(
                "tolerating \(dropped) dropouts of \(n) clients leaves t = \(threshold), not a majority of the \(n - 1) neighbours; tolerate fewer dropouts")
        }
        guard threshold > corrupt else {
            throw .configuration("t = \(threshold) does not exceed the \(corrupt) corrupt clients tolerated")
        }
        return SecAggGraphPlan(shape: .complete, threshold: threshold, privacyFailureLog2: -.infinity, correctnessFailureLog2: -.infinity)
    }

    /// A Harary graph of the given degree; t defaults to a bare majority, floor(k/2) + 1.
    public static func harary(
        clients n: Int, degree k: Int, threshold: Int? = nil,
        dropout delta: Double, corruption gamma: Double
    ) throws(SecAggError) -> SecAggGraphPlan {
        let (corrupt, dropped) = try counts(clients: n, dropout: delta, corruption: gamma)
        guard k >= 2 else { throw .configuration("the degree must be at least 2, got \(k)") }
        if k >= n - 1 {
            // The complete graph. An explicit threshold is judged on its own: the default one
            // (`complete`'s) need not be valid for it to be.
            guard let threshold else { return try complete(clients: n, dropout: delta, corruption: gamma) }
            try checkThreshold(threshold, degree: n - 1)
            return SecAggGraphPlan(
                shape: .complete, threshold: threshold,
                privacyFailureLog2: threshold > corrupt ? -.infinity : 0,
                correctnessFailureLog2: threshold <= n - 1 - dropped ? -.infinity : 0)
        }
        let t = threshold ?? (k / 2 + 1)
        try checkThreshold(t, degree: k)
        let bounds = Bounds(clients: n, corrupt: corrupt, dropped: dropped, degree: k)
        return SecAggGraphPlan(
            shape: .harary(degree: k), threshold: t,
            privacyFailureLog2: log2(bounds.privacyFailure(threshold: t)),
            correctnessFailureLog2: log2(bounds.correctnessFailure(threshold: t)))
    }

    /// The smallest even degree k, and the largest t for it, within both bounds; the complete
    /// graph when none below n - 1 qualifies.
    public static func automatic(
        clients n: Int, dropout delta: Double, corruption gamma: Double,
        securityBits sigma: Double = defaultSecurityBits,
        correctnessBits eta: Double = defaultCorrectnessBits
    ) throws(SecAggError) -> SecAggGraphPlan {
        let (corrupt, dropped) = try counts(clients: n, dropout: delta, corruption: gamma)
        guard sigma > 0, eta > 0 else { throw .configuration("security and correctness bits must be positive") }
        var k = 2
        while k <= n - 2 {
            let bounds = Bounds(clients: n, corrupt: corrupt, dropped: dropped, degree: k)
            let connectivity = bounds.disconnection()
            if log2(connectivity) <= -sigma {
                for t in stride(from: k, through: k / 2 + 1, by: -1) {
                    let privacy = bounds.privacyFailure(threshold: t)
                    let correctness = bounds.correctnessFailure(threshold: t)
                    if log2(privacy) <= -sigma && log2(correctness) <= -eta {
                        return SecAggGraphPlan(
                            shape: .harary(degree: k), threshold: t,
                            privacyFailureLog2: log2(privacy), correctnessFailureLog2: log2(correctness))
                    }
                }
            }
            k += 2
        }
        return try complete(clients: n, dropout: delta, corruption: gamma)
    }

    private static func counts(clients n: Int, dropout delta: Double, corruption gamma: Double) throws(SecAggError) -> (corrupt: Int, dropped: Int) {
        guard n >= 2 else { throw .configuration("secure aggregation needs at least 2 clients, got \(n)") }
        guard delta >= 0, delta < 1 else { throw .configuration("the dropout fraction must be in [0, 1), got \(delta)") }
        guard gamma >= 0, gamma < 1 else { throw .configuration("the corruption fraction must be in [0, 1), got \(gamma)") }
        return (Int((gamma * Double(n)).rounded(.down)), Int((delta * Double(n)).rounded(.down)))
    }

    private static func checkThreshold(_ t: Int, degree k: Int) throws(SecAggError) {
        guard t <= k else { throw .configuration("threshold \(t) exceeds the \(k) neighbours that hold shares") }
        guard 2 * t > k else {
            throw .configuration(
                "threshold \(t) is not a majority of \(k) neighbours: a coordinator lying about dropouts could collect both secrets of a client")
        }
    }

    /// The union bounds above for one degree.
    private struct Bounds {
        var clients: Int
        var corrupt: Int
        var dropped: Int
        var degree: Int

        /// S2: two disjoint runs of floor(k/2) removed (corrupt or dropped) ring positions.
        func disconnection() -> Double {
            let run = 2 * (degree / 2)
            let removed = corrupt + dropped
            guard run <= removed else { return 0 }
            let logPairs = log(Double(clients)) + log(Double(clients - 1)) - log(2.0)
            return min(1, exp(logPairs + Hypergeometric.logChoose(removed, run) - Hypergeometric.logChoose(clients, run)))
        }

        /// S1 + S2.
        func privacyFailure(threshold t: Int) -> Double {
            let corruptNeighbourhood = Hypergeometric.upperTail(population: clients - 1, marked: corrupt, draws: degree, atLeast: t)
            return min(1, Double(clients) * corruptNeighbourhood + disconnection())
        }

        /// C1: more than k - t dropped neighbours somewhere.
        func correctnessFailure(threshold t: Int) -> Double {
            min(1, Double(clients) * Hypergeometric.upperTail(population: clients - 1, marked: dropped, draws: degree, atLeast: degree - t + 1))
        }
    }
}
