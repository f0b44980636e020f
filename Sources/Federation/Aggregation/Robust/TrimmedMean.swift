/// Coordinate-wise beta-trimmed mean (Yin et al., ICML 2018): per parameter, drop the
/// floor(beta * n) largest and smallest changes and average the rest. Tolerates up to
/// beta * n poisoned sites; beta must be below 1/2. Memory as `CoordinateMedian`.
public struct TrimmedMean: AggregationRule {
    public let beta: Double

    public init(beta: Double) throws(AggregationRuleError) {
        guard beta >= 0, beta < 0.5 else { throw .invalid("trimmed mean needs 0 <= beta < 0.5, got \(beta)") }
        self.beta = beta
    }

    public var name: String { "trimmed-mean" }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        let beta = beta
        return BufferedAggregator(parameterCount: context.globalParameters.count) { store, _ in
            let trim = Int((beta * Double(store.count)).rounded(.down))
            return (try aggregateSortedCoordinates(of: store, statistic: .trimmedMean(trim: trim)), nil)
        }
    }
}

/// A robust rule configured in a way that cannot work.
public enum AggregationRuleError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    case tooFewUpdates(rule: String, needed: Int, got: Int)

    public var description: String {
        switch self {
        case .invalid(let text): text
        case .tooFewUpdates(let rule, let needed, let got):
            "\(rule) needs at least \(needed) updates per round, got \(got)"
        }
    }
}
