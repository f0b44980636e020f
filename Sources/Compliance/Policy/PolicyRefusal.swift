/// A site's policy said no: which rule, and why, in words for the coordinator's operator and
/// the auditor. It is an `Error` so a site can throw it back to the coordinator as is.
public struct PolicyRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The policy key (or check) that refused: `min_rows_per_update`, `plan_approval`, ...
    public var rule: String
    public var reason: String

    public init(rule: String, reason: String) {
        self.rule = rule
        self.reason = reason
    }

    public var description: String { "site policy (\(rule)): \(reason)" }
}

/// The gate's answer.
public enum PolicyDecision: Hashable, Sendable {
    case allow
    case refuse(PolicyRefusal)

    public var refusal: PolicyRefusal? {
        if case .refuse(let refusal) = self { return refusal }
        return nil
    }

    public var isAllowed: Bool { refusal == nil }
}
