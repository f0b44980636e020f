import CohortTestSupport
import Foundation
import Testing

/// `cohort site approve`: until the steward approves the study's plan, the sites' policy gates
/// drop every update; after the approval the same study trains; a plan the policy forbids is
/// not approved at all.
@Suite struct SiteApproveCommandTests {
    static let policy = """
        site: cleveland
        steward: Dr. Ana Ruiz
        allowed_models: [logistic]
        max_parameters: 10000
        require_secure_aggregation: false
        differential_privacy:
          required: false
          max_epsilon: 8
          delta: 1.0e-5
        min_rows_per_update: 20

        """

    @Test func anApprovedPlanTrainsAndAForbiddenOneIsNotApproved() throws {
        let folder = CohortBinary.temporaryPath("approve")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/policy", withIntermediateDirectories: true)
        try Self.policy.write(toFile: "\(folder)/policy/site-policy.yaml", atomically: true, encoding: .utf8)
        let plan = "\(folder)/plan.json"
        #expect(try CohortBinary.run(["simulate", "--rounds", "2", "--quiet", "--write-plan", plan]).status == 0)
        #expect(try CohortBinary.run(["audit", "keygen", "--out", "\(folder)/steward.key"]).status == 0)
        let gated = ["simulate", "--rounds", "2", "--quiet", "--site-policy", "\(folder)/policy", "--steward-key", "\(folder)/steward.key.pub"]

        // Every round refused: the study fails, says why, and reports no result.
        let before = try CohortBinary.run(gated + ["--audit-dir", "\(folder)/before", "--output", "\(folder)/before.json"])
        #expect(before.status != 0)
        #expect(before.standardError.contains("has not been approved by the data steward"), "\(before.standardError)")
        #expect(before.standardError.contains("no round of the study was accepted"), "\(before.standardError)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/before.json"))

        let approve = try CohortBinary.run([
            "site", "approve", "--plan", plan, "--policy-dir", "\(folder)/policy",
            "--by", "Dr. Ana Ruiz", "--key", "\(folder)/steward.key", "--note", "IRB-2026-17"
        ])
        #expect(approve.status == 0, "\(approve.standardError)")
        #expect(approve.standardOutput.contains("approved plan"))
        let approvals = try String(contentsOfFile: "\(folder)/policy/approvals.jsonl", encoding: .utf8)
        #expect(approvals.contains("IRB-2026-17"))

        let after = try CohortBinary.run(gated + ["--audit-dir", "\(folder)/after", "--output", "\(folder)/after.json"])
        #expect(after.status == 0, "\(after.standardError)")
        #expect(!after.standardError.contains("not been approved"))
        #expect(try Self.acceptedRounds("\(folder)/after.json") == 2)

        let mlpPlan = "\(folder)/plan-mlp.json"
        #expect(try CohortBinary.run(["simulate", "--rounds", "2", "--quiet", "--model", "mlp", "--write-plan", mlpPlan]).status == 0)
        let refused = try CohortBinary.run([
            "site", "approve", "--plan", mlpPlan, "--policy-dir", "\(folder)/policy",
            "--by", "Dr. Ana Ruiz", "--key", "\(folder)/steward.key"
        ])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("allowed_models"), "\(refused.standardError)")
        #expect(try String(contentsOfFile: "\(folder)/policy/approvals.jsonl", encoding: .utf8) == approvals, "nothing appended")
    }

    /// A site that requires secure aggregation releases sealed answers of an approved
    /// secure-aggregation plan, and its trail records them as sent under secure aggregation.
    @Test func aPolicyRequiringSecureAggregationReleasesSealedUpdates() throws {
        let folder = CohortBinary.temporaryPath("approve-secagg")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/policy", withIntermediateDirectories: true)
        try Self.policy.replacingOccurrences(of: "require_secure_aggregation: false", with: "require_secure_aggregation: true")
            .write(toFile: "\(folder)/policy/site-policy.yaml", atomically: true, encoding: .utf8)
        let plan = "\(folder)/plan.json"
        #expect(try CohortBinary.run(["simulate", "--rounds", "2", "--quiet", "--secure-aggregation", "--write-plan", plan]).status == 0)
        #expect(try CohortBinary.run(["audit", "keygen", "--out", "\(folder)/steward.key"]).status == 0)
        let approve = try CohortBinary.run([
            "site", "approve", "--plan", plan, "--policy-dir", "\(folder)/policy",
            "--by", "Dr. Ana Ruiz", "--key", "\(folder)/steward.key"
        ])
        #expect(approve.status == 0, "\(approve.standardError)")
        let run = try CohortBinary.run([
            "simulate", "--rounds", "2", "--quiet", "--secure-aggregation",
            "--site-policy", "\(folder)/policy", "--steward-key", "\(folder)/steward.key.pub",
            "--audit-dir", "\(folder)/audit", "--output", "\(folder)/run.json"
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Self.acceptedRounds("\(folder)/run.json") == 2, "\(run.standardError)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: "\(folder)/audit")
        let cleveland = try #require(files.first { $0.contains("cleveland") && $0.hasSuffix(".jsonl") }, "no trail for cleveland in \(files)")
        let text = try String(contentsOfFile: "\(folder)/audit/\(cleveland)", encoding: .utf8)
        #expect(text.contains("\"secure_aggregation\":true"))
        #expect(!text.contains("\"secure_aggregation\":false"))
        // The heart model's 14 parameters leave masked: 56 bytes, not the empty clear answer's 0.
        #expect(text.contains("\"bytes\":56"), "\(text.prefix(600))")
        #expect(!text.contains("\"bytes\":0"))
    }

    static func acceptedRounds(_ path: String) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let rounds = object?["rounds"] as? [[String: Any]] ?? []
        return rounds.filter { ($0["accepted"] as? Bool) == true }.count
    }
}
