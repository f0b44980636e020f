import Foundation

/// Tails of the hypergeometric law: `draws` items taken without replacement from a
/// `population` of which `marked` are marked. In a randomly labelled Harary graph a client's
/// k neighbours are a uniform k-subset of the other n - 1 clients, so the number of corrupt
/// (or dropped) neighbours follows this law exactly.
enum Hypergeometric {
    /// log C(n, k); -infinity outside 0...n.
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n, n >= 0 else { return -.infinity }
        return lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    /// Pr[X >= atLeast] for X ~ HG(population, marked, draws).
    static func upperTail(population: Int, marked: Int, draws: Int, atLeast: Int) -> Double {
        let low = max(atLeast, 0)
        let high = min(marked, draws)
        guard low <= high else { return 0 }
        let logTotal = logChoose(population, draws)
        var sum = 0.0
        for x in low...high {
            sum += exp(logChoose(marked, x) + logChoose(population - marked, draws - x) - logTotal)
        }
        return min(sum, 1)
    }
}
