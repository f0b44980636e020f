import CohortTestSupport
import Federation
import Foundation
import Learning
import Testing

@testable import Compliance

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A real (small) federated study, audited at the coordinator and at every site, then
/// reported on: the page must parse, and its numbers must equal the study's own records.
@Suite struct ReportTests {
    struct Study {
        let directory: TemporaryDirectory
        var outcome: StudyOutcome!
        var plan: TrainingPlan!
        var coordinatorTrail: URL { directory.path("coordinator.jsonl") }
        func siteTrail(_ name: String) -> URL { directory.path("\(name).jsonl") }
        var policy: SitePolicy!
        var approvals: PlanApprovals!
        var siteSigner: AuditSigner!
    }

    /// Three sites; site-2 holds too few rows for its policy and refuses every round.
    static func runStudy() async throws -> Study {
        var study = Study(directory: try TemporaryDirectory())
        var generator = SeededGenerator(seed: 7)
        func dataset(_ rows: Int) -> Dataset {
            var x: [Float] = [], y: [Float] = []
            for _ in 0..<rows {
                let row = (0..<4).map { _ in Float(generator.nextGaussian()) }
                x += row
                y.append(row[0] + row[1] > 0 ? 1 : 0)
            }
            return Dataset(features: x, labels: y, exampleShape: Shape(4), task: .binary)
        }
        let rows = ["site-0": 60, "site-1": 80, "site-2": 12]
        let data = rows.keys.sorted().map { SiteData(name: $0, train: dataset(rows[$0]!), test: dataset(20)) }
        let configuration = StudyConfiguration(
            studyID: "heart-2025", rounds: 3, selection: try SiteSelection(fraction: 1, minimumSites: 2),
            training: TrainingInstructions(localSteps: 5, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
            evaluateEvery: 3, roundDeadlineSeconds: 60, seed: 42)
        let initial = try Model(spec: .logisticRegression, inputShape: Shape(4), task: .binary, seed: 42)
        let plan = TrainingPlan(
            study: "heart-2025", model: "logistic", parameterCount: initial.parameterCount, strategy: "fedavg",
            rounds: 3, localSteps: 5, batchSize: 8, optimizer: "sgd", learningRate: 0.1,
            secureAggregation: false, schemaHash: String(repeating: "5", count: 64))
        study.plan = plan

        let policy = try SitePolicy(yaml: "site: any\nsteward: Dr. Ana Ruiz\nallowed_models: [logistic]\nmin_rows_per_update: 20\n")
        study.policy = policy
        var sites: [SiteID: SiteCompliance] = [:]
        var actors: [Site] = []
        for site in data {
            let signer = AuditSigner.make(site.name)
            if site.name == "site-0" { study.siteSigner = signer }
            let approvalsURL = study.directory.path("\(site.name)-approvals.jsonl")
            try PlanApprovals.approve(plan, under: policy, by: "Dr. Ana Ruiz", note: "IRB-17", trail: approvalsURL, signer: signer)
            let approvals = try PlanApprovals.load(at: approvalsURL, trustedKey: signer.identity.publicKey)
            if site.name == "site-0" { study.approvals = approvals }
            let trail = try AuditTrail.create(at: study.siteTrail(site.name), signer: signer)
            sites[SiteID(site.name)] = SiteCompliance(
                auditor: SiteAuditor(trail: trail, site: site.name, coordinator: "coordinator"),
                gate: SitePolicyGate(policy: policy, approvals: approvals), plan: plan,
                trainingRows: site.train.count)
            actors.append(try Site(id: SiteID(site.name), study: "heart-2025", model: .logisticRegression, data: site, seed: 42))
        }
        let transport = AuditingTransport(wrapping: InProcessTransport(sites: actors), sites: sites)
        let coordinatorTrail = try AuditTrail.create(at: study.coordinatorTrail, signer: .make("coordinator", role: .coordinator))
        let auditor = FederationAuditor(trail: coordinatorTrail, study: "heart-2025")
        auditor.studyCreated(
            planHash: plan.planHash, coordinator: "coordinator",
            sites: sites.keys.sorted().map { ($0.name, sites[$0]!.auditor.trail.identity.publicKeyHex, nil) })
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(), initialParameters: initial.parameters,
            layout: initial.layout, transport: transport)
        study.outcome = try await coordinator.run(observer: auditor.observer)
        try auditor.checkHealthy()
        try coordinatorTrail.close()
        for compliance in sites.values { try compliance.auditor.trail.close() }
        return study
    }

    @Test func theReportMatchesTheStudyRecords() async throws {
        let study = try await Self.runStudy()
        defer { withExtendedLifetime(study.directory) {} }
        let site = "site-0"
        let siteLog = try AuditLog.read(at: study.siteTrail(site), verifier: AuditVerifier(trustedKey: study.siteSigner.identity.publicKey))
        let coordinatorLog = try AuditLog.read(at: study.coordinatorTrail)
        let quality = DataQualitySummary(
            source: "site-0.csv", rowsRead: 64, rowsIncluded: 60,
            exclusions: [.init(reason: "missing outcome", rows: 4)],
            missingness: [.init(feature: "cholesterol", missingPercent: 3.3)])
        let report = ComplianceReport(
            ComplianceReportInput(
                study: "heart-2025", site: site, siteTrail: siteLog, coordinatorTrail: coordinatorLog,
                policy: study.policy, approvals: study.approvals, plan: study.plan, quality: quality))
        let records = study.outcome.rounds
        #expect(records.count == 3)
        // What left site-0: one update per round in which it contributed.
        let contributed = records.filter { $0.contributors.contains(SiteID(site)) }.map(\.round)
        #expect(report.rounds.map(\.round) == contributed)
        #expect(report.rounds.allSatisfy { $0.bytes == 4 * study.plan.parameterCount && $0.rows == 60 })
        #expect(report.totalBytes == 4 * study.plan.parameterCount * contributed.count)
        #expect(report.approvals.map(\.approvedBy) == ["Dr. Ana Ruiz"])
        #expect(report.allTrailsIntact)

        // site-2's refusals reached the coordinator with the policy's reason.
        let refusals = records.flatMap(\.failures).filter { $0.site == "site-2" }
        #expect(refusals.count == 3)
        #expect(refusals.allSatisfy { $0.reason.contains("min_rows_per_update") })

        // The page parses as a document, and the numbers in it are the records'.
        let html = HTMLComplianceReport.render(report)
        let page = try ParsedPage(html)
        #expect(page.sections == ["participants", "plan", "rounds", "incidents", "trails", "quality", "hipaa"])
        #expect(page.rows(of: "data-round").map { Int($0["round"]!)! } == contributed)
        #expect(page.rows(of: "data-round").allSatisfy { $0["bytes"] == String(4 * study.plan.parameterCount) && $0["rows"] == "60" })
        #expect(page.fields["total-bytes"] == String(report.totalBytes))
        #expect(page.fields["bytes-total"] == String(report.totalBytes))
        #expect(page.fields["rounds-sent"] == String(contributed.count))
        #expect(page.fields["plan-hash"] == study.plan.planHash)
        #expect(page.fields["verdict"] == "All audit trails verified")
        #expect(page.rows(of: "data-participant").map { $0["name"]! }.sorted() == ["coordinator", "site-0", "site-1", "site-2"])
        #expect(
            Set(page.rows(of: "data-citation").compactMap { $0["data-citation"] }) == [
                "45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(4)", "45 CFR 164.312(a)(1)", "45 CFR 164.312(b)", "45 CFR 164.312(c)(1)",
                "45 CFR 164.312(d)", "45 CFR 164.312(e)(1)"
            ])
        #expect(page.fields["rows-included"] == "60")

        // For a look at the real page (scripts/compliance-report-screenshot.sh).
        if let path = ProcessInfo.processInfo.environment["COHORT_COMPLIANCE_REPORT_HTML"] {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func theRefusingSiteReportShowsItsRefusals() async throws {
        let study = try await Self.runStudy()
        defer { withExtendedLifetime(study.directory) {} }
        let siteLog = try AuditLog.read(at: study.siteTrail("site-2"))
        let coordinatorLog = try AuditLog.read(at: study.coordinatorTrail)
        let report = ComplianceReport(ComplianceReportInput(study: "heart-2025", site: "site-2", siteTrail: siteLog, coordinatorTrail: coordinatorLog))
        #expect(report.rounds.isEmpty)
        #expect(report.totalBytes == 0)
        let refused = report.incidents.filter { $0.kind.hasPrefix("refused by site policy") }
        #expect(refused.map(\.round) == [1, 2, 3])
        let failed = report.incidents.filter { $0.kind == "failed" }
        #expect(failed.count == 3)
    }

    @Test func aDamagedTrailShowsInTheReport() async throws {
        let study = try await Self.runStudy()
        defer { withExtendedLifetime(study.directory) {} }
        var stored = lines(of: study.siteTrail("site-1"))
        stored.remove(at: 2)
        write(stored, to: study.siteTrail("site-1"))
        let report = ComplianceReport(ComplianceReportInput(study: "heart-2025", site: "site-1", siteTrail: try AuditLog.read(at: study.siteTrail("site-1"))))
        #expect(!report.allTrailsIntact)
        let page = try ParsedPage(HTMLComplianceReport.render(report))
        #expect(page.fields["verdict"] == "An audit trail FAILED verification")
        #expect(report.safeguards.first { $0.citation == "45 CFR 164.312(c)(1)" }?.status == .partial)
    }

    @Test func exportFiltersWhatAuditorsAskFor() async throws {
        let study = try await Self.runStudy()
        defer { withExtendedLifetime(study.directory) {} }
        let log = try AuditLog.read(at: study.coordinatorTrail)
        let rejected = log.entries(matching: AuditFilter(kinds: [.siteFailed], sites: ["site-2"]))
        #expect(rejected.count == 3)
        let csv = AuditExport.render(rejected, as: .csv)
        let rows = csv.split(separator: "\r\n")
        #expect(rows.first == Substring(AuditExport.csvHeader.joined(separator: ",")))
        #expect(rows.count == 4)
        let jsonl = AuditExport.render(log.entries(matching: AuditFilter(study: "heart-2025")), as: .jsonl)
        #expect(jsonl.split(separator: "\n").allSatisfy { lines(of: study.coordinatorTrail).contains(String($0)) })
        let future = AuditFilter(from: Date().addingTimeInterval(3600))
        #expect(log.entries(matching: future).isEmpty)
    }
}

/// The report page read with an XML parser: section ids, `data-field` values, and table rows
/// carrying a given attribute (with their cells by field).
struct ParsedPage {
    var sections: [String] = []
    var fields: [String: String] = [:]
    private var rowsByAttribute: [String: [[String: String]]] = [:]

    func rows(of attribute: String) -> [[String: String]] { rowsByAttribute[attribute] ?? [] }

    init(_ html: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = delegate
        guard parser.parse() else { throw ParseFailure(description: "\(parser.parserError.map(String.init(describing:)) ?? "?") at line \(parser.lineNumber)") }
        sections = delegate.sections
        fields = delegate.fields
        rowsByAttribute = delegate.rows
    }

    struct ParseFailure: Error, CustomStringConvertible { var description: String }

    private final class Collector: NSObject, XMLParserDelegate {
        var sections: [String] = []
        var fields: [String: String] = [:]
        var rows: [String: [[String: String]]] = [:]
        private var row: (attribute: String, cells: [String: String])?
        private var field: String?
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == "section", let id = attributes["id"] { sections.append(id) }
            if name == "tr", let attribute = attributes.keys.first(where: { $0.hasPrefix("data-") }) {
                row = (attribute, [attribute: attributes[attribute]!])
            }
            if let name = attributes["data-field"] {
                field = name
                text = ""
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if field != nil { text += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let current = field, ["td", "span", "strong", "code", "p"].contains(name) {
                let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if row != nil { row!.cells[current] = value } else { fields[current] = value }
                if fields[current] == nil { fields[current] = value }
                field = nil
            }
            if name == "tr", let finished = row {
                rows[finished.attribute, default: []].append(finished.cells)
                row = nil
            }
        }
    }
}
