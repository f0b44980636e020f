/// Krum and Multi-Krum (Blanchard et al., NeurIPS 2017; El Mhamdi et al. 2018): keep the
/// `keep` updates whose nearest `n - f - 2` neighbours are closest, and average those (by
/// the strategy's weighting). `keep = 1` is Krum; `keep = n` is FedAvg. Needs n >= 2f + 3.
/// Memory: the store plus an n x n distance matrix; time O(n² d) through BLAS.
public struct Krum: AggregationRule {
    public let f: Int
    public let keep: Int

    public init(f: Int, keep: Int = 1) throws(AggregationRuleError) {
        guard f >= 0 else { throw .invalid("Krum needs f >= 0, got \(f)") }
        guard keep >= 1 else { throw .invalid("Multi-Krum must keep at least one update, got \(keep)") }
        self.f = f
        self.keep = keep
    }

    public var name: String { keep == 1 ? "krum" : "multi-krum" }
    public var minimumUpdates: Int { 2 * f + 3 }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        let f = f, keep = keep, weighting = context.weighting, minimum = minimumUpdates, name = name
        return BufferedAggregator(parameterCount: context.globalParameters.count) { store, entries in
            guard store.count >= minimum else { throw AggregationRuleError.tooFewUpdates(rule: name, needed: minimum, got: store.count) }
            let distances = try pairwiseSquaredDistances(in: store)
            let all = Array(0..<store.count)
            let scores = krumScores(distances: distances, candidates: all, f: f)
            let chosen = all.sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(min(keep, store.count))
            var sum = WeightedSum(count: store.parameterCount)
            var shares = [Double](repeating: 0, count: store.count)
            for index in chosen.sorted() {
                let weight = weighting == .bySamples ? Double(entries[index].samples) : 1
                sum.add(try store.vector(at: index), weight: weight)
                shares[index] = weight
            }
            let total = shares.reduce(0, +)
            return (sum.takeMean(), shares.map { $0 / total })
        }
    }
}
