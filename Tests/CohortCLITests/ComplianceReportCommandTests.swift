import CohortTestSupport
import Foundation
import Testing

/// `cohort report compliance` over a study's collected trails, as a compliance officer runs it:
/// every site's updates and epsilon, a tampered trail that fails the command, approvals checked
/// under the steward's key, and the shared quality report of `cohort data check --shared`.
@Suite struct ComplianceReportCommandTests {
    static let sites = ["cleveland", "hungarian", "switzerland", "va"]

    /// A private two-round simulated study with its trails and keys in `folder/audit`.
    static func simulate(in folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let run = try CohortBinary.run([
            "simulate", "--rounds", "2", "--quiet", "--dp-epsilon", "4", "--audit-dir", "\(folder)/audit",
            "--write-plan", "\(folder)/plan.json"
        ])
        #expect(run.status == 0, "stderr: \(run.standardError)")
    }

    static func studyArguments(_ folder: String) -> [String] {
        ["report", "compliance", "--study", "heart-disease"] + sites.flatMap { ["--site-trail", "\(folder)/audit/\($0).audit.jsonl"] }
            + [
                "--site-key-dir", "\(folder)/audit", "--coordinator-trail", "\(folder)/audit/coordinator.audit.jsonl",
                "--coordinator-key", "\(folder)/audit/coordinator.key.pub"
            ]
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// The updates each site's trail records, read straight from its lines (round: sha256, bytes, epsilon).
    static func sentUpdates(_ trail: String) throws -> [[String: Any]] {
        try String(contentsOfFile: trail, encoding: .utf8).split(separator: "\n").compactMap { line in
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return entry["event"] as? String == "update_sent" ? entry : nil
        }
    }

    @Test func aStudyReportListsEverySitesUpdatesAndEpsilon() throws {
        let folder = CohortBinary.temporaryPath("compliance-study")
        defer { remove(folder) }
        try Self.simulate(in: folder)
        let report = try CohortBinary.run(Self.studyArguments(folder) + ["--out", "\(folder)/report.html", "--json", "\(folder)/report.json"])
        #expect(report.status == 0, "stderr: \(report.standardError)")
        #expect(report.standardOutput.contains("4 site(s), 8 update(s) sent"), "\(report.standardOutput)")

        let document = try Self.json("\(folder)/report.json")
        #expect(document["all_trails_intact"] as? Bool == true)
        let sites = try #require(document["sites"] as? [[String: Any]])
        #expect(sites.map { $0["name"] as? String } == Self.sites)
        for site in sites {
            let name = try #require(site["name"] as? String)
            let updates = try #require(site["updates"] as? [[String: Any]])
            let logged = try Self.sentUpdates("\(folder)/audit/\(name).audit.jsonl")
            #expect(updates.map { $0["round"] as? Int } == [1, 2], "\(name)")
            #expect(updates.map { $0["payload_sha256"] as? String } == logged.map { ($0["data"] as? [String: Any])?["payload_sha256"] as? String }, "\(name)")
            #expect(updates.allSatisfy { $0["bytes"] as? Int == 56 && $0["coordinator"] as? String == "accepted" }, "\(name)")
            let epsilons = updates.compactMap { $0["epsilon_after"] as? Double }
            #expect(epsilons.count == 2 && epsilons[0] < epsilons[1] && epsilons[1] <= 4.0001, "\(name): \(epsilons)")
            #expect(site["final_epsilon"] as? Double == epsilons.last)
        }
        let trails = try #require(document["trails"] as? [[String: Any]])
        #expect(trails.count == 5)
        #expect(trails.allSatisfy { $0["key_pinned"] as? Bool == true && $0["intact"] as? Bool == true })
        let html = try String(contentsOfFile: "\(folder)/report.html", encoding: .utf8)
        #expect(html.contains("All audit trails verified"))
        #expect(Self.sites.allSatisfy { html.contains("<h3>\($0)</h3>") })

        // A key for a site no trail belongs to is a mistake, not something to skip.
        let typo = try CohortBinary.run(
            Self.studyArguments(folder) + ["--site-key", "clevland=\(folder)/audit/cleveland.key.pub", "--out", "\(folder)/typo.html"])
        #expect(typo.status != 0)
        #expect(typo.standardError.contains("--site-key clevland"), "\(typo.standardError)")
    }

    @Test func aTamperedSiteTrailFailsTheCommandAndIsNamed() throws {
        let folder = CohortBinary.temporaryPath("compliance-tampered")
        defer { remove(folder) }
        try Self.simulate(in: folder)
        let path = "\(folder)/audit/va.audit.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains("update_sent") })
        lines[index] = lines[index].replacingOccurrences(of: "\"bytes\":56", with: "\"bytes\":65")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let report = try CohortBinary.run(Self.studyArguments(folder) + ["--out", "\(folder)/report.html", "--json", "\(folder)/report.json"])
        #expect(report.status != 0)
        #expect(report.standardError.contains(path), "\(report.standardError)")
        #expect(report.standardError.contains("first damaged entry \(index + 1)"), "\(report.standardError)")
        // The report is still written, and says so.
        let html = try String(contentsOfFile: "\(folder)/report.html", encoding: .utf8)
        #expect(html.contains("An audit trail FAILED verification"))
        let document = try Self.json("\(folder)/report.json")
        #expect(document["all_trails_intact"] as? Bool == false)
        let va = try #require((document["trails"] as? [[String: Any]])?.first { $0["path"] as? String == path })
        #expect(va["first_damaged_entry"] as? Int == index + 1)

        // A trail that claims to be another site's fails under that site's pinned key.
        let impostor = try CohortBinary.run([
            "report", "compliance", "--study", "heart-disease",
            "--site-trail", "\(folder)/audit/cleveland.audit.jsonl",
            "--site-key", "cleveland=\(folder)/audit/hungarian.key.pub", "--out", "\(folder)/impostor.html"
        ])
        #expect(impostor.status != 0)
        #expect(impostor.standardError.contains("\(folder)/audit/cleveland.audit.jsonl"), "\(impostor.standardError)")
        #expect(impostor.standardError.contains("untrustedKey"), "\(impostor.standardError)")
    }

    @Test func approvalsAreCheckedUnderTheStewardsKey() throws {
        let folder = CohortBinary.temporaryPath("compliance-steward")
        defer { remove(folder) }
        try Self.simulate(in: folder)
        try FileManager.default.createDirectory(atPath: "\(folder)/policy", withIntermediateDirectories: true)
        try SiteApproveCommandTests.policy.replacingOccurrences(of: "site: cleveland", with: "site: va")
            .write(toFile: "\(folder)/policy/site-policy.yaml", atomically: true, encoding: .utf8)
        for key in ["steward", "stranger"] {
            #expect(try CohortBinary.run(["audit", "keygen", "--out", "\(folder)/\(key).key"]).status == 0)
        }
        let approve = try CohortBinary.run([
            "site", "approve", "--plan", "\(folder)/plan.json", "--policy-dir", "\(folder)/policy",
            "--by", "Dr. Ana Ruiz", "--key", "\(folder)/steward.key", "--note", "IRB-2026-17"
        ])
        #expect(approve.status == 0, "\(approve.standardError)")
        let base = [
            "report", "compliance", "--study", "heart-disease", "--site-trail", "\(folder)/audit/va.audit.jsonl",
            "--site-key", "\(folder)/audit/va.key.pub", "--policy-dir", "\(folder)/policy", "--plan", "\(folder)/plan.json"
        ]

        let accepted = try CohortBinary.run(base + ["--steward-key", "\(folder)/steward.key.pub", "--out", "\(folder)/ok.html", "--json", "\(folder)/ok.json"])
        #expect(accepted.status == 0, "\(accepted.standardError)")
        let site = try #require((try Self.json("\(folder)/ok.json")["sites"] as? [[String: Any]])?.first)
        let approvals = try #require(site["approvals"] as? [[String: Any]])
        #expect(approvals.map { $0["approved_by"] as? String } == ["Dr. Ana Ruiz"])
        #expect(approvals.map { $0["note"] as? String } == ["IRB-2026-17"])

        let stranger = try CohortBinary.run(base + ["--steward-key", "\(folder)/stranger.key.pub", "--out", "\(folder)/stranger.html"])
        #expect(stranger.status != 0)
        #expect(stranger.standardError.contains("\(folder)/policy/approvals.jsonl"), "\(stranger.standardError)")
        #expect(stranger.standardError.contains("not signed by the --steward-key"), "\(stranger.standardError)")
        #expect(stranger.standardError.contains("cohort site approve --key"), "the fix: \(stranger.standardError)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/stranger.html"))

        let unchecked = try CohortBinary.run(base + ["--out", "\(folder)/unchecked.html"])
        #expect(unchecked.status != 0)
        #expect(unchecked.standardError.contains("--policy-dir needs --steward-key"), "\(unchecked.standardError)")
    }

    @Test func theSharedQualityReportIsAcceptedAsPublished() throws {
        let folder = CohortBinary.temporaryPath("compliance-quality")
        defer { remove(folder) }
        try Self.simulate(in: folder)
        let raw = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Datasets/Resources/uci-heart-disease/processed.switzerland.data").path
        let check = try CohortBinary.run([
            "data", "check", "--study", "uci-heart-disease", "--csv", raw, "--mapping", "uci-heart-disease-processed",
            "--shared", "\(folder)/shared.json", "--quiet"
        ])
        #expect(check.status == 0, "\(check.standardError)")
        let shared = try Self.json("\(folder)/shared.json")
        let patients = try #require(shared["patients"] as? [String: Any])
        let excluded = try #require(patients["excluded"] as? [[String: Any]])
        #expect(excluded.contains { $0["count"] as? String == "<11" }, "the fixture must hold a suppressed count: \(excluded)")

        let report = try CohortBinary.run([
            "report", "compliance", "--study", "heart-disease", "--site-trail", "\(folder)/audit/switzerland.audit.jsonl",
            "--site-key", "\(folder)/audit/switzerland.key.pub", "--quality", "\(folder)/shared.json",
            "--out", "\(folder)/report.html", "--json", "\(folder)/report.json"
        ])
        #expect(report.status == 0, "\(report.standardError)")
        let quality = try #require(try Self.json("\(folder)/report.json")["quality"] as? [String: Any])
        #expect("\(quality["rows_read"]!)" == "\(patients["read"]!)")
        #expect("\(quality["rows_included"]!)" == "\(patients["kept"]!)")
        let exclusions = try #require(quality["exclusions"] as? [[String: Any]])
        #expect(exclusions.map { "\($0["reason"]!)=\($0["rows"]!)" } == excluded.map { "\($0["name"]!)=\($0["count"]!)" })
        let features = try #require(shared["features"] as? [[String: Any]])
        let missingness = try #require(quality["missingness"] as? [[String: Any]])
        #expect(missingness.map { "\($0["feature"]!)=\($0["missing"]!)" } == features.map { "\($0["name"]!)=\($0["missing"]!)" })
        #expect(try String(contentsOfFile: "\(folder)/report.html", encoding: .utf8).contains("&lt;11"))
    }
}

/// Removes a test's folder; a failure to clean up is reported, not hidden.
private func remove(_ folder: String) {
    guard FileManager.default.fileExists(atPath: folder) else { return }
    do { try FileManager.default.removeItem(atPath: folder) } catch { Issue.record("cannot remove \(folder): \(error)") }
}
