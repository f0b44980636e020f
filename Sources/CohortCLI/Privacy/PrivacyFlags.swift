import Foundation
import Privacy

/// What the privacy commands share: turning the accountant's input errors into messages that
/// name the flag, and printing numbers for people.
enum PrivacyFlags {
    static func error(for error: any Error) -> any Error {
        guard let error = error as? PrivacyAccountingError else { return error }
        switch error {
        case .invalidSampleRate(let value):
            return CohortError("--sample-rate must be in (0, 1] (the probability that a record joins a step), got \(value)")
        case .invalidNoiseMultiplier(let value):
            return CohortError("--noise-multiplier must be a finite number above 0 (noise standard deviation / clipping norm), got \(value)")
        case .invalidSteps(let value):
            return CohortError("--steps must be at least 1, got \(value)")
        case .invalidDelta(let value):
            return CohortError("--delta must be in (0, 1), usually below 1 / records, got \(value)")
        case .invalidEpsilon(let value):
            return CohortError("--epsilon must be a finite number above 0, got \(value)")
        case .unreachableEpsilon(let target, let delta, let sigma, let epsilon):
            return CohortError(
                "--epsilon \(format(target)) is out of reach at --delta \(format(delta)): even noise multiplier \(format(sigma)) gives epsilon \(format(epsilon)); raise --epsilon or --delta, or lower --steps or --sample-rate"
            )
        case .invalidOrders(let reason):
            return CohortError(reason)
        }
    }

    /// Six significant digits, no trailing zeros.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        return String(format: "%.6g", value)
    }
}
