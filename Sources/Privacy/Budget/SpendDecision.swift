import Federation
import Foundation

/// A budget's answer to "may this site run this DP round?", with the numbers behind it and
/// messages for the two people who need them.
///
/// ε is computed after the proposed round (everything in the ledger composed with it), so the
/// round is allowed only if the site stays within its policy once it has run.
public struct SpendDecision: Sendable, Hashable {
    public let isAllowed: Bool
    public let site: SiteID
    public let charge: PrivacyCharge
    public let policy: PrivacyPolicy
    /// ε the site has spent (and reserved, see `PrivacyBudget.reserve`), before this round.
    public let before: PrivacySpent
    /// ε the site would have spent after this round.
    public let after: PrivacySpent
    /// When refused: the smallest noise multiplier (same sample rate and steps) that would fit
    /// the remaining budget, or nil when nothing fits (the budget is spent).
    public let noiseMultiplierThatFits: Double?

    init(
        site: SiteID, charge: PrivacyCharge, policy: PrivacyPolicy, before: PrivacySpent, after: PrivacySpent,
        noiseMultiplierThatFits: Double?
    ) {
        isAllowed = after.epsilon <= policy.maxEpsilon
        self.site = site
        self.charge = charge
        self.policy = policy
        self.before = before
        self.after = after
        self.noiseMultiplierThatFits = noiseMultiplierThatFits
    }

    /// For the coordinator (and the study report): which round, and why, without advice that
    /// only the site's operator can act on.
    public var coordinatorMessage: String {
        isAllowed
            ? "site \(site) accepts \(roundName): \(epsilonChange)"
            : "site \(site) declines \(roundName): its privacy budget would be exceeded (\(epsilonChange))"
    }

    /// For the site's operator: the mechanism, the budget, and what would make the round fit.
    public var operatorMessage: String {
        let mechanism = charge.mechanism
        let run =
            "\(roundName) (sample rate \(Self.format(mechanism.sampleRate)), noise multiplier \(Self.format(mechanism.noiseMultiplier)), \(mechanism.steps) steps)"
        let change = "takes epsilon from \(Self.format(before.epsilon)) to \(Self.format(after.epsilon)) at delta \(Self.format(policy.delta))"
        if isAllowed {
            return "\(run) allowed: it \(change), within the policy's \(Self.format(policy.maxEpsilon))"
        }
        return "\(run) refused: it \(change), over the policy's \(Self.format(policy.maxEpsilon)); \(remedy)"
    }

    /// What would make a refused round fit.
    var remedy: String {
        if let sigma = noiseMultiplierThatFits {
            return "a noise multiplier of at least \(Self.format(sigma)) would fit, or raise max_epsilon in the site's policy if its governance allows"
        }
        return
            "no noise multiplier fits the \(Self.format(max(0, policy.maxEpsilon - before.epsilon))) left; the site's budget is spent unless its governance raises max_epsilon"
    }

    var roundName: String { "round \(charge.round) of study '\(charge.study)'" }

    var epsilonChange: String {
        "epsilon \(Self.format(before.epsilon)) -> \(Self.format(after.epsilon)) of \(Self.format(policy.maxEpsilon)) at delta \(Self.format(policy.delta))"
    }

    /// Four significant digits: budgets are set to one or two.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value > 0 ? "inf" : "\(value)" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            let digits = max(0, 3 - Int(log10(magnitude).rounded(.down)))
            var text = String(format: "%.\(digits)f", value)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text
        }
        return String(format: "%.3g", value)
    }
}
