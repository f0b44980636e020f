/// Inputs the accountant refuses, each naming the parameter and the range it must lie in.
public enum PrivacyAccountingError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidSampleRate(Double)
    case invalidNoiseMultiplier(Double)
    case invalidSteps(Int)
    case invalidDelta(Double)
    case invalidEpsilon(Double)
    case invalidOrders(String)
    /// No noise multiplier up to `largestNoiseMultiplier` brings ε down to `target`.
    case unreachableEpsilon(target: Double, delta: Double, largestNoiseMultiplier: Double, epsilonThere: Double)

    public var description: String {
        switch self {
        case .invalidSampleRate(let q):
            "sample rate \(q) must be in (0, 1]: the probability that a record (or site) joins a step"
        case .invalidNoiseMultiplier(let sigma):
            "noise multiplier \(sigma) must be a finite number above 0: the noise standard deviation divided by the clipping norm"
        case .invalidSteps(let steps):
            "steps \(steps) must be at least 1"
        case .invalidDelta(let delta):
            "delta \(delta) must be in (0, 1); a common choice is below 1/(number of records)"
        case .invalidEpsilon(let epsilon):
            "epsilon \(epsilon) must be a finite number above 0"
        case .invalidOrders(let reason):
            reason
        case .unreachableEpsilon(let target, let delta, let sigma, let epsilon):
            "epsilon \(target) at delta \(delta) is out of reach: even noise multiplier \(sigma) gives epsilon \(epsilon); allow a larger epsilon or delta, or use fewer steps or a smaller sample rate"
        }
    }
}
