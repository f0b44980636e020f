import CohortTestSupport
import Foundation
import Testing

@testable import Transport

/// Mistakes an operator makes: each ends the command with a non-zero status and one error
/// line naming what and where, and nothing is written half-way.
@Suite("Deployment bad input", .serialized)
struct DeploymentBadInputTests {
    /// The error line of a failed command (it must be exactly one).
    static func errorLine(_ errors: String) -> String {
        let lines = errors.split(separator: "\n").filter { $0.hasPrefix("cohort: error:") }
        return lines.count == 1 ? String(lines[0]) : "expected one error line, got: \(errors)"
    }

    @Test("coordinator: unknown key, bad value, missing config, missing key file; no database created")
    func coordinatorConfig() async throws {
        let harness = try ProcessHarness("bad-coordinator")
        defer { harness.remove() }
        try await harness.provision(sites: ["cleveland"])
        let config = harness.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig).path
        let database = harness.coordinatorKit.appendingPathComponent("coordinator.sqlite")

        try harness.configureCoordinator(study: ["dataset: heart-disease", "min_sites: 1"], extra: ["heartbeat_secs: 1"])
        var result = try await CohortProcess.run(["coordinator", "--config", config], in: harness.directory.url)
        #expect(result.status != 0)
        #expect(Self.errorLine(result.errors).contains("coordinator.yaml:10: unknown key 'heartbeat_secs'"), "\(result.errors)")

        try harness.configureCoordinator(study: ["dataset: heart-disease", "min_sites: 1", "roudns: 3"])
        result = try await CohortProcess.run(["coordinator", "--config", config], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("coordinator.yaml:13: unknown key 'study.roudns'"), "\(result.errors)")

        try harness.configureCoordinator(study: ["dataset: heart-disease", "min_sites: 1", "rounds: many"])
        result = try await CohortProcess.run(["coordinator", "--config", config], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("study.rounds"), "\(result.errors)")

        try harness.configureCoordinator(study: ["dataset: heart-disease", "min_sites: 1", "strategy: fedsomething"])
        result = try await CohortProcess.run(["coordinator", "--config", config], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("coordinator.yaml:13: study.strategy: unknown strategy 'fedsomething'"), "\(result.errors)")

        result = try await CohortProcess.run(["coordinator", "--config", harness.directory.path("nowhere.yaml").path], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("nowhere.yaml does not exist"), "\(result.errors)")

        try harness.configureCoordinator(study: ["dataset: heart-disease", "min_sites: 1"])
        try FileManager.default.removeItem(at: harness.coordinatorKit.appendingPathComponent(KitFile.coordinatorKey))
        result = try await CohortProcess.run(["coordinator", "--config", config], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("coordinator.key does not exist"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: database.path))
    }

    @Test("site: unreadable key, expired certificate, missing data, data that does not fit the study")
    func siteProblems() async throws {
        let harness = try ProcessHarness("bad-site")
        defer { harness.remove() }
        try await harness.provision(sites: ["cleveland", "hungarian"])
        let cleveland = harness.layout.siteKit("cleveland")
        let config = cleveland.appendingPathComponent(KitFile.siteConfig).path

        var result = try await CohortProcess.run(["site", "--config", config, "--data", "/nonexistent/data.csv"], in: harness.directory.url)
        #expect(result.status != 0)
        #expect(Self.errorLine(result.errors).contains("site data /nonexistent/data.csv does not exist"), "\(result.errors)")

        let key = cleveland.appendingPathComponent(KitFile.siteKey)
        let original = try Data(contentsOf: key)
        try "garbage".write(to: key, atomically: true, encoding: .utf8)
        result = try await CohortProcess.run(["site", "--config", config, "--data", "heart-disease"], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("site.key is not a PEM P-256 private key"), "\(result.errors)")
        try original.write(to: key)

        let expired = try Provisioner(days: 1, now: Date().addingTimeInterval(-5 * 86_400)).addSite("switzerland", to: harness.consortium)
        result = try await CohortProcess.run(
            [
                "site", "--config", expired.appendingPathComponent(KitFile.siteConfig).path,
                "--data", "heart-disease"
            ], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("expired on"), "\(result.errors)")

        // The study needs data prepared with the uci-heart-disease schema; the site brings the benchmark files.
        try harness.configureCoordinator(study: ["id: prepared", "study: uci-heart-disease", "sites: [cleveland, hungarian]"])
        let (coordinator, port) = try await harness.startCoordinator()
        result = try await CohortProcess.run(
            ["site", "--config", config, "--data", "heart-disease", "--coordinator", "127.0.0.1:\(port)"],
            in: harness.directory.url, seconds: 60)
        #expect(result.status != 0)
        #expect(Self.errorLine(result.errors).contains("needs data prepared with schema"), "\(result.errors)")
        #expect(await coordinator.waitFor("site-refused site=cleveland"))
        coordinator.stop()
    }

    @Test("provision: a non-empty directory and a bad site name are refused, nothing is written")
    func provisioning() async throws {
        let harness = try ProcessHarness("bad-provision")
        defer { harness.remove() }
        try await harness.provision(sites: ["cleveland"])
        var result = try await CohortProcess.run(
            [
                "provision", "init", "--consortium", "x", "--out", harness.consortium.path,
                "--coordinator-host", "127.0.0.1"
            ], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("already exists and is not empty"), "\(result.errors)")
        let fresh = harness.directory.path("fresh")
        result = try await CohortProcess.run(
            [
                "provision", "init", "--consortium", "x", "--out", fresh.path,
                "--coordinator-host", "127.0.0.1", "--sites", "ok,Not OK"
            ], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("site name 'Not OK' is not valid"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
        result = try await CohortProcess.run(
            [
                "provision", "sign", "--csr", harness.directory.path("none.csr").path,
                "--ca", harness.consortium.path
            ], in: harness.directory.url)
        #expect(Self.errorLine(result.errors).contains("none.csr does not exist"), "\(result.errors)")
    }
}
