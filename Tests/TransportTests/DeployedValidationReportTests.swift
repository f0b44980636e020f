import CohortTestSupport
import Foundation
import Testing

@testable import Transport

/// `cohort report validation --database`: the report of a deployed study, made from the
/// statistics its sites returned after the last round, against the same study simulated.
@Suite("Validation report of a deployed study", .serialized)
struct DeployedValidationReportTests {
    @Test("the report from the coordinator's database has the figures of the simulated study's report")
    func deployedReportEqualsSimulated() async throws {
        let harness = try ProcessHarness("validation")
        defer { harness.remove() }
        let (coordinator, status, _) = try await harness.runHeartStudy(DeploymentProcessTests.heartStudy)
        #expect(status == 0, "\(coordinator.errors)")
        let database = harness.coordinatorKit.appendingPathComponent("coordinator.sqlite")
        #expect(FileManager.default.fileExists(atPath: harness.coordinatorKit.appendingPathComponent("coordinator.model.json").path))
        let deployedReport = harness.directory.path("deployed-report")
        let deployed = try await CohortProcess.run(
            ["report", "validation", "--database", database.path, "--out", deployedReport.path],
            in: harness.directory.url)
        #expect(deployed.status == 0, "\(deployed.errors)")

        // The same study definition simulated, and its report without leave-one-site-out.
        let config = harness.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig)
        let run = harness.directory.path("simulated.json")
        let simulated = try await CohortProcess.run(
            ["simulate", "--quiet", "--config", config.path, "--output", run.path],
            in: harness.directory.url)
        #expect(simulated.status == 0, "\(simulated.errors)")
        let simulatedReport = harness.directory.path("simulated-report")
        let made = try await CohortProcess.run(
            [
                "report", "validation", "--run", run.path, "--out", simulatedReport.path,
                "--skip-leave-one-site-out"
            ], in: harness.directory.url)
        #expect(made.status == 0, "\(made.errors)")

        let a = try Self.json(deployedReport.appendingPathComponent("validation.json"))
        let b = try Self.json(simulatedReport.appendingPathComponent("validation.json"))
        #expect((a["sites"] as? NSArray)?.count == 4)
        #expect((a["sites"] as? NSArray)?.isEqual(b["sites"]) == true, "per-site figures differ between the deployed and simulated reports")
        #expect((a["pooled"] as? NSDictionary)?.isEqual(b["pooled"]) == true, "pooled figures differ")
        let cardA = try #require(a["model_card"] as? [String: Any]), cardB = try #require(b["model_card"] as? [String: Any])
        #expect(cardA["runtime"] as? String == "deployment")
        #expect(cardA["model_checksum"] as? String == cardB["model_checksum"] as? String)
        #expect(cardA["training_plan_hash"] as? String == cardB["training_plan_hash"] as? String)
        #expect((a["leave_one_site_out"] as? [String: Any])?["available"] as? Bool == false)
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}
