import Crypto
import Foundation

/// Where a site keeps its steward's files: `site-policy.yaml` (the policy) and
/// `approvals.jsonl` (the signed trail of plan approvals and policy changes).
public struct PolicyDirectory: Hashable, Sendable {
    public var url: URL

    public init(_ url: URL) { self.url = url }

    public var policyURL: URL { url.appendingPathComponent("site-policy.yaml") }
    public var approvalsURL: URL { url.appendingPathComponent("approvals.jsonl") }

    public func policy() throws(SitePolicyError) -> SitePolicy { try SitePolicy(contentsOf: policyURL) }

    /// The approvals so far; none when the steward has not approved anything yet.
    public func approvals(trustedKey: Curve25519.Signing.PublicKey) throws(AuditError) -> PlanApprovals {
        guard FileManager.default.fileExists(atPath: approvalsURL.path) else { return .none }
        return try PlanApprovals.load(at: approvalsURL, trustedKey: trustedKey)
    }
}
