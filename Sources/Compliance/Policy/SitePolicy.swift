/// A site's rules for what may be done with its data, owned by its data steward and read
/// from YAML (`SitePolicy(yaml:)`; the keys are documented there).
public struct SitePolicy: Hashable, Sendable {
    public var site: String
    public var steward: String
    /// Model families a study may train (`logistic`, `mlp`, `cnn`).
    public var allowedModels: Set<String>
    /// The largest model (in parameters) a study may train; nil: no limit.
    public var maxParameters: Int?
    public var requireSecureAggregation: Bool
    public var differentialPrivacy: DifferentialPrivacyRule?
    /// No update computed on fewer rows (patients) than this leaves the site.
    public var minRowsPerUpdate: Int
    /// Coordinators this site works for, by certificate fingerprint; empty: not restricted
    /// (simulation, or before deployment issues certificates).
    public var allowedCoordinators: Set<String>
    /// SHA-256 of the policy file's bytes, hex: recorded with every approval and change.
    public var policyHash: String

    public init(
        site: String, steward: String, allowedModels: Set<String>, maxParameters: Int? = nil, requireSecureAggregation: Bool = false,
        differentialPrivacy: DifferentialPrivacyRule? = nil, minRowsPerUpdate: Int, allowedCoordinators: Set<String> = [],
        policyHash: String = ""
    ) {
        self.site = site
        self.steward = steward
        self.allowedModels = allowedModels
        self.maxParameters = maxParameters
        self.requireSecureAggregation = requireSecureAggregation
        self.differentialPrivacy = differentialPrivacy
        self.minRowsPerUpdate = minRowsPerUpdate
        self.allowedCoordinators = allowedCoordinators
        self.policyHash = policyHash
    }

    /// Model families `cohort` can train; a policy naming another is a typo, refused.
    public static let knownModelKinds: Set<String> = ["logistic", "mlp", "cnn"]
}

/// The site's differential-privacy requirement: epsilon is measured at `delta`.
public struct DifferentialPrivacyRule: Hashable, Sendable {
    /// Whether every study must train with DP-SGD.
    public var required: Bool
    /// The most cumulative epsilon the site's data may lose.
    public var maxEpsilon: Double
    public var delta: Double

    public init(required: Bool, maxEpsilon: Double, delta: Double) {
        self.required = required
        self.maxEpsilon = maxEpsilon
        self.delta = delta
    }
}
