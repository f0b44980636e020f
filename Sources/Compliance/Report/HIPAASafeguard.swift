/// One HIPAA Security Rule safeguard, what Cohort does for it, and whether that is in place
/// for this study or waits on deployment. Honest by construction: a control is "in place"
/// only when this study's records show it.
public struct HIPAASafeguard: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case inPlace = "in place"
        case partial = "partly in place"
        case deployment = "depends on deployment"
    }

    /// The regulation's citation, e.g. "45 CFR 164.312(b)".
    public var citation: String
    public var title: String
    public var control: String
    public var status: Status
    public var evidence: String

    /// The mapping for a report.
    static func assess(_ report: ComplianceReport) -> [HIPAASafeguard] {
        let intact = report.allTrailsIntact
        let trailCount = report.trails.count
        // Every site whose records were given must have approved: one unapproved site is enough to fall short.
        let unapproved = report.sites.filter(\.approvals.isEmpty).map(\.name)
        let approved = !report.sites.isEmpty && unapproved.isEmpty
        let privacyApplied = !report.rounds.isEmpty && report.rounds.allSatisfy { $0.privacy != nil }
        let secureAggregation = !report.rounds.isEmpty && report.rounds.allSatisfy(\.secureAggregation)
        let pinnedCoordinators = !(report.policy?.allowedCoordinators.isEmpty ?? true)
        let certificates = report.participants.contains { $0.certificateFingerprint != nil }
        return [
            HIPAASafeguard(
                citation: "45 CFR 164.308(a)(1)(ii)(D)", title: "Information system activity review (administrative safeguard)",
                control: "Every participant keeps an audit trail of study events; `cohort audit export` filters it by time, event and site for review.",
                status: trailCount > 0 ? .inPlace : .partial,
                evidence: "\(trailCount) trail(s) reviewed for this report."),
            HIPAASafeguard(
                citation: "45 CFR 164.308(a)(4)", title: "Information access management (administrative safeguard)",
                control:
                    "The site's data steward approves each training plan by its SHA-256 hash; the site runs only approved plans and enforces its policy (models, size, DP, minimum rows).",
                status: approved ? .inPlace : .partial,
                evidence: approved
                    ? "Plan \(report.planHash.map { String($0.prefix(12)) } ?? "?")... approved by \(report.approvals.map(\.approvedBy).joined(separator: ", "))."
                    : report.sites.count > 1
                        ? "No approval of this study's plan was found for \(unapproved.joined(separator: ", ")) in the records given."
                        : "No approval of this study's plan was found in the records given."),
            HIPAASafeguard(
                citation: "45 CFR 164.312(a)(1)", title: "Access control (technical safeguard)",
                control:
                    "Patient rows never leave the site; only model updates computed on at least the policy's minimum rows do. Coordinators are restricted by certificate fingerprint.",
                status: pinnedCoordinators && certificates ? .inPlace : .partial,
                evidence: pinnedCoordinators
                    ? "Site policy lists \(report.policy!.allowedCoordinators.count) allowed coordinator(s)."
                    : "Coordinator certificates are issued by the deployment layer (not yet in use for this study)."),
            HIPAASafeguard(
                citation: "45 CFR 164.312(b)", title: "Audit controls (technical safeguard)",
                control:
                    "Append-only, hash-chained trails with an Ed25519 signature on every entry, at the coordinator and at each site; made durable with fsync.",
                status: trailCount > 0 ? .inPlace : .partial,
                evidence: "\(report.trails.map { "\($0.name): \($0.verification.verifiedEntries) entries" }.joined(separator: "; "))."),
            HIPAASafeguard(
                citation: "45 CFR 164.312(c)(1)", title: "Integrity (technical safeguard)",
                control:
                    "Any change, deletion, insertion or reordering of a trail entry breaks its hash chain or signature; verification names the first broken entry. Each update's SHA-256 is recorded as it leaves.",
                status: intact ? .inPlace : .partial,
                evidence: intact ? "All trails verified intact." : "A trail failed verification: see the audit chain section."),
            HIPAASafeguard(
                citation: "45 CFR 164.312(d)", title: "Person or entity authentication (technical safeguard)",
                control: "Participants are identified by Ed25519 keys and, in deployment, X.509 certificates over mutual TLS.",
                status: certificates ? .inPlace : .deployment,
                evidence: certificates
                    ? "Certificate fingerprints are recorded for the participants above." : "Keys are recorded; certificates come with deployment."),
            HIPAASafeguard(
                citation: "45 CFR 164.312(e)(1)", title: "Transmission security (technical safeguard)",
                control:
                    "Updates travel over mutual TLS (deployment); secure aggregation hides individual updates from the coordinator; DP-SGD bounds what any update reveals.",
                status: secureAggregation ? .inPlace : (privacyApplied ? .partial : .deployment),
                evidence:
                    "Secure aggregation: \(secureAggregation ? "on for every round" : "off"). DP-SGD: \(privacyApplied ? "on for every round" : "not on every round"). TLS: deployment."
            )
        ]
    }
}
