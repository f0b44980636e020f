/// The error a site's budget throws to refuse a round (through `PrivacyGuard.authorize`): the
/// decision behind it, and one line that reaches the coordinator as the site's reason.
public struct PrivacyBudgetRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public let decision: SpendDecision

    public init(_ decision: SpendDecision) { self.decision = decision }

    public var description: String {
        "its privacy budget would be exceeded by \(decision.roundName) (\(decision.epsilonChange)); \(decision.remedy)"
    }
}
