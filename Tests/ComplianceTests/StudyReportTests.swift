import CohortTestSupport
import Federation
import Foundation
import Testing

@testable import Compliance

/// The report over a whole study: one trail per site plus the coordinator's, as a compliance
/// officer collects them from a deployment. Every figure must be the trails' own, per site, and
/// the JSON twin must say the same as the page.
@Suite struct StudyReportTests {
    /// Two sites and a coordinator, written event by event so every expected value is known:
    /// north sends three private updates (and one evaluation); south sends one, refuses round 2
    /// on its epsilon cap, and sends round 3, which the coordinator rejects. The coordinator
    /// also admitted east, whose trail is not given.
    struct HandBuiltStudy {
        let directory: TemporaryDirectory
        var north: URL { directory.path("north.jsonl") }
        var south: URL { directory.path("south.jsonl") }
        var coordinator: URL { directory.path("coordinator.jsonl") }
        static let northEpsilon = [0.9, 1.4, 1.8]
        static func payload(_ site: String, _ round: Int) -> String { String(repeating: site == "north" ? "a\(round)" : "b\(round)", count: 32) }

        init() throws {
            directory = try TemporaryDirectory()
            let north = try AuditTrail.create(at: north, signer: .make("north"), durability: .unsynced)
            let south = try AuditTrail.create(at: south, signer: .make("south"), durability: .unsynced)
            let coordinator = try AuditTrail.create(at: coordinator, signer: .make("coordinator", role: .coordinator), durability: .unsynced)
            func sent(_ site: String, _ round: Int, epsilon: Double) -> AuditEvent {
                .updateSent(
                    SentUpdate(
                        study: "stroke-2026", round: round, site: site, rows: 200, bytes: 56, payloadSHA256: Self.payload(site, round),
                        secureAggregation: false,
                        privacy: UpdatePrivacy(noiseMultiplier: 1.1, samplingRate: 0.04, steps: 50, clipNorm: 1, delta: 1e-5, epsilonAfter: epsilon)))
            }
            try coordinator.append(.studyCreated(study: "stroke-2026", planHash: String(repeating: "7", count: 64), coordinator: "coordinator"))
            for site in ["north", "south", "east"] {
                try coordinator.append(.siteJoined(study: "stroke-2026", site: site, publicKey: nil, certificateFingerprint: nil))
            }
            for round in 1...3 {
                try north.append(sent("north", round, epsilon: Self.northEpsilon[round - 1]))
                try coordinator.append(.updateAccepted(study: "stroke-2026", round: round, site: "north", rows: 200, epsilon: Self.northEpsilon[round - 1]))
            }
            try north.append(.evaluationSent(study: "stroke-2026", round: 3, site: "north", rows: 40))
            try south.append(sent("south", 1, epsilon: 1.1))
            try coordinator.append(.updateAccepted(study: "stroke-2026", round: 1, site: "south", rows: 200, epsilon: 1.1))
            try south.append(
                .updateRefused(
                    study: "stroke-2026", round: 2, site: "south", rule: "differential_privacy.max_epsilon",
                    reason: "epsilon would reach 9.2, over the cap of 8"))
            try coordinator.append(
                .siteFailed(study: "stroke-2026", round: 2, site: "south", reason: "refused by site policy: differential_privacy.max_epsilon"))
            try south.append(sent("south", 3, epsilon: 1.6))
            try coordinator.append(.updateRejected(study: "stroke-2026", round: 3, site: "south", reason: "answer to a withdrawn task"))
            // Another study's entries on the same trails are not this report's.
            try north.append(sent("north", 1, epsilon: 5).withStudy("other-study"))
            for trail in [north, south, coordinator] { try trail.close() }
        }

        func report(site: String? = nil, approvals: PlanApprovals? = nil) throws -> ComplianceReport {
            ComplianceReport(
                ComplianceReportInput(
                    study: "stroke-2026", siteTrails: [.init(try AuditLog.read(at: north)), .init(try AuditLog.read(at: south))], site: site,
                    coordinatorTrail: try AuditLog.read(at: coordinator), approvals: approvals))
        }
    }

    @Test func everySitesUpdatesEpsilonRefusalsAndTheCoordinatorsViewAreListed() throws {
        let study = try HandBuiltStudy()
        let report = try study.report()
        #expect(report.sites.map(\.name) == ["north", "south"])
        #expect(report.sitesWithoutTrail == ["east"])
        #expect(report.allTrailsIntact)

        let north = try #require(report.sites.first { $0.name == "north" })
        #expect(north.updates.map(\.round) == [1, 2, 3])
        #expect(north.updates.map(\.payloadSHA256) == (1...3).map { HandBuiltStudy.payload("north", $0) })
        #expect(north.updates.map(\.epsilon) == HandBuiltStudy.northEpsilon)
        #expect(north.updates.allSatisfy { $0.bytes == 56 && $0.coordinatorVerdict == .accepted && $0.privacy?.noiseMultiplier == 1.1 })
        #expect(north.finalEpsilon == 1.8)
        #expect(north.evaluations.map(\.round) == [3])
        #expect(north.evaluations.map(\.rows) == [40])
        #expect(north.refusals.isEmpty)

        let south = try #require(report.sites.first { $0.name == "south" })
        #expect(south.updates.map(\.round) == [1, 3])
        #expect(south.updates.map(\.epsilon) == [1.1, 1.6])
        #expect(south.updates.map(\.coordinatorVerdict) == [.accepted, .rejected])
        #expect(south.refusals.map(\.round) == [2])
        #expect(south.refusals.first?.rule == "differential_privacy.max_epsilon")
        #expect(south.coordinatorView.map(\.outcome) == [.accepted, .failed, .rejected])
        #expect(south.coordinatorView.last?.reason == "answer to a withdrawn task")
        #expect(south.incidents.map(\.kind) == ["refused by site policy (differential_privacy.max_epsilon)", "failed", "rejected by coordinator"])

        #expect(report.totalBytes == 5 * 56)
        #expect(report.finalEpsilon == 1.8, "the highest epsilon any site reached")
        #expect(report.rounds.count == 5)

        // The page shows the same, one table per site.
        let page = try ParsedPage(HTMLComplianceReport.render(report))
        #expect(page.sections == ["participants", "plan", "rounds", "incidents", "trails", "quality", "hipaa"])
        let rows = page.rows(of: "data-round")
        #expect(
            rows.map { "\($0["site"]!):\($0["round"]!):\($0["coordinator"]!)" }
                == ["north:1:accepted", "north:2:accepted", "north:3:accepted", "south:1:accepted", "south:3:rejected"])
        #expect(rows.map { $0["epsilon"]! } == ["0.9", "1.4", "1.8", "1.1", "1.6"])
        #expect(page.fields["bytes-total"] == "280")
        #expect(page.fields["site-count"] == "2")
        #expect(page.fields["sites-without-trail"] == "east")
        let views = page.rows(of: "data-coordinator-view")
        #expect(views.map { "\($0["site"]!) \($0["accepted"]!)/\($0["rejected"]!)/\($0["failed"]!)/\($0["refused"]!)" } == ["north 3/0/0/0", "south 1/1/1/1"])
    }

    @Test func theJSONTwinCarriesTheSameFigures() throws {
        let study = try HandBuiltStudy()
        let report = try study.report()
        let document = try #require(try JSONSerialization.jsonObject(with: ComplianceReportJSON.encode(report)) as? [String: Any])
        #expect(document["format"] as? String == "cohort-compliance-report/1")
        #expect(document["study"] as? String == "stroke-2026")
        #expect(document["all_trails_intact"] as? Bool == true)
        #expect(document["total_bytes"] as? Int == 280)
        #expect(document["sites_without_trail"] as? [String] == ["east"])
        let sites = try #require(document["sites"] as? [[String: Any]])
        #expect(sites.map { $0["name"] as? String } == ["north", "south"])
        let northUpdates = try #require(sites[0]["updates"] as? [[String: Any]])
        #expect(northUpdates.map { $0["payload_sha256"] as? String } == (1...3).map { HandBuiltStudy.payload("north", $0) })
        #expect(northUpdates.map { $0["epsilon_after"] as? Double } == HandBuiltStudy.northEpsilon)
        #expect(northUpdates.map { $0["bytes"] as? Int } == [56, 56, 56])
        #expect(northUpdates.allSatisfy { ($0["dp"] as? [String: Any])?["noise_multiplier"] as? Double == 1.1 })
        #expect(sites[0]["final_epsilon"] as? Double == 1.8)
        #expect((sites[0]["evaluations"] as? [[String: Any]])?.map { $0["rows"] as? Int } == [40])
        let refusals = try #require(sites[1]["refusals"] as? [[String: Any]])
        #expect(refusals.map { $0["rule"] as? String } == ["differential_privacy.max_epsilon"])
        let coordinator = try #require(sites[1]["coordinator"] as? [[String: Any]])
        #expect(coordinator.map { $0["outcome"] as? String } == ["accepted", "failed", "rejected"])
        #expect((sites[1]["updates"] as? [[String: Any]])?.map { $0["coordinator"] as? String } == ["accepted", "rejected"])
        let trails = try #require(document["trails"] as? [[String: Any]])
        #expect(trails.map { $0["participant"] as? String } == ["north", "south", "coordinator"])
        #expect(trails.allSatisfy { $0["intact"] as? Bool == true && $0["first_damaged_entry"] == nil })
    }

    @Test func aDamagedSiteTrailIsNamedWithItsFirstDamagedEntry() throws {
        let study = try HandBuiltStudy()
        var stored = lines(of: study.south)
        // Entry 4 is south's round-3 update: one digit of its size changes.
        #expect(stored[3].contains("\"round\":3") && stored[3].contains("\"bytes\":56"))
        stored[3] = stored[3].replacingOccurrences(of: "\"bytes\":56", with: "\"bytes\":57")
        write(stored, to: study.south)
        let report = try study.report()
        #expect(!report.allTrailsIntact)
        #expect(report.damagedTrails.map(\.path) == [study.south.path])
        #expect(report.damagedTrails.first?.verification.damage?.entry == 4)
        // What verified before the damage is still shown; nothing after it is.
        #expect(report.sites.first { $0.name == "south" }?.updates.map(\.round) == [1])
        let page = try ParsedPage(HTMLComplianceReport.render(report))
        #expect(page.fields["verdict"] == "An audit trail FAILED verification")
        #expect(page.fields["damaged-trails"] == "south (site): first damaged entry 4")
        let document = try #require(try JSONSerialization.jsonObject(with: ComplianceReportJSON.encode(report)) as? [String: Any])
        #expect(document["all_trails_intact"] as? Bool == false)
        let south = try #require((document["trails"] as? [[String: Any]])?.first { $0["participant"] as? String == "south" })
        #expect(south["first_damaged_entry"] as? Int == 4)
        #expect(south["intact"] as? Bool == false)
    }

    /// A real (simulated) study: every site's updates are the rounds it contributed to, and
    /// the refusing site shows its refusals and the coordinator's failures.
    @Test func theSimulatedStudyReportsEverySite() async throws {
        let study = try await ReportTests.runStudy()
        defer { withExtendedLifetime(study.directory) {} }
        let names = ["site-0", "site-1", "site-2"]
        let report = ComplianceReport(
            ComplianceReportInput(
                study: "heart-2025", siteTrails: try names.map { .init(try AuditLog.read(at: study.siteTrail($0))) }, site: "site-0",
                coordinatorTrail: try AuditLog.read(at: study.coordinatorTrail), approvals: study.approvals, plan: study.plan))
        #expect(report.sites.map(\.name) == names)
        #expect(report.sitesWithoutTrail.isEmpty)
        for site in report.sites {
            let contributed = study.outcome.rounds.filter { $0.contributors.contains(SiteID(site.name)) }.map(\.round)
            #expect(site.updates.map(\.round) == contributed, "\(site.name)")
            #expect(site.updates.allSatisfy { $0.bytes == 4 * study.plan.parameterCount && $0.coordinatorVerdict == .accepted }, "\(site.name)")
            #expect(site.roundsAsked == [1, 2, 3], "\(site.name)")
        }
        let refusing = try #require(report.sites.last)
        #expect(refusing.updates.isEmpty)
        #expect(refusing.refusals.map(\.round) == [1, 2, 3])
        #expect(refusing.coordinatorView.filter { $0.outcome == .failed }.count == 3)

        // The approvals given are site-0's own records: only site-0 shows them, and the
        // safeguard for plan approval names the sites without one.
        #expect(report.sites.map(\.approvals.count) == [1, 0, 0])
        let access = try #require(report.safeguards.first { $0.citation == "45 CFR 164.308(a)(4)" })
        #expect(access.status == .partial)
        #expect(access.evidence.contains("site-1, site-2"))
    }

    @Test func suppressedQualityCountsStaySuppressed() throws {
        let study = try HandBuiltStudy()
        let quality = DataQualitySummary(
            source: "shared quality report", rowsRead: 123, rowsIncluded: 46,
            exclusions: [.init(reason: "missing fbs", rows: 74), .init(reason: "missing trestbps", rows: .small(below: 11))],
            missingness: [
                .init(feature: "fbs", missingPercent: 61, missing: 75),
                .init(feature: "trestbps", missingPercent: nil, missing: .small(below: 11))
            ],
            suppression: "counts 1-10 shown as <11")
        var input = ComplianceReportInput(study: "stroke-2026", siteTrails: [.init(try AuditLog.read(at: study.north))], site: "north")
        input.quality = quality
        let report = ComplianceReport(input)
        let page = try ParsedPage(HTMLComplianceReport.render(report))
        #expect(page.rows(of: "data-exclusion").map { $0["rows"]! } == ["74", "<11"])
        #expect(page.rows(of: "data-feature").map { $0["missing"]! } == ["61", "withheld (<11 patients)"])
        let document = try #require(try JSONSerialization.jsonObject(with: ComplianceReportJSON.encode(report)) as? [String: Any])
        let section = try #require(document["quality"] as? [String: Any])
        #expect((section["exclusions"] as? [[String: Any]])?.map { "\($0["rows"]!)" } == ["74", "<11"])
        #expect((section["missingness"] as? [[String: Any]])?.last?["missing"] as? String == "<11")
        #expect((section["missingness"] as? [[String: Any]])?.last?["missing_percent"] == nil)

        // The plain summary format reads "<11" the same way, and nothing else passes for a count.
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let plain = try decoder.decode(
            DataQualitySummary.self,
            from: Data(
                """
                {"source":"s.csv","rows_read":64,"rows_included":"<11","exclusions":[{"reason":"age","rows":"<11"}],"missingness":[]}
                """.utf8))
        #expect(plain.rowsIncluded == .small(below: 11))
        #expect(plain.exclusions.first?.rows == .small(below: 11))
        for bad in ["\"<1\"", "\"11\"", "\"few\""] {
            #expect(throws: DecodingError.self) {
                try decoder.decode(
                    DataQualitySummary.self, from: Data("{\"source\":\"s\",\"rows_read\":\(bad),\"rows_included\":1,\"exclusions\":[],\"missingness\":[]}".utf8)
                )
            }
        }
    }
}

extension AuditEvent {
    /// The same update, filed under another study.
    fileprivate func withStudy(_ study: String) -> AuditEvent {
        guard case .updateSent(var sent) = self else { return self }
        sent.study = study
        return .updateSent(sent)
    }
}
