import CohortTestSupport
import Foundation

@testable import Transport

/// A consortium on disk and the `cohort` processes of one test: provisioning, configs, a
/// coordinator on a free loopback port and site agents dialling it. `stopAll()` ends every
/// process the harness started.
final class ProcessHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    private(set) var processes: [CohortProcess] = []
    static let hospitals = ["cleveland", "hungarian", "switzerland", "va"]

    init(_ name: String) throws {
        directory = try TemporaryDirectory(name)
    }

    var consortium: URL { directory.path("consortium") }
    var layout: ConsortiumDirectory { ConsortiumDirectory(consortium) }
    var coordinatorKit: URL { layout.coordinatorKit }

    /// Provisions the consortium. Kits come governed (a site policy that needs the steward's
    /// approval of the plan); tests about something else run them `governed: false`, with the
    /// site's trail but without the policy.
    func provision(sites: [String] = hospitals, name: String = "heart", into root: URL? = nil, governed: Bool = false) async throws {
        let result = try await CohortProcess.run(
            [
                "provision", "init", "--consortium", name, "--out", (root ?? consortium).path,
                "--coordinator-host", "127.0.0.1", "--sites", sites.joined(separator: ",")
            ],
            in: directory.url)
        guard result.status == 0 else { throw ProcessTimeout("provision init failed: \(result.errors)") }
        // Quick reconnection for tests.
        for site in sites {
            let config = ConsortiumDirectory(root ?? consortium).siteKit(site).appendingPathComponent(KitFile.siteConfig)
            var text = try String(contentsOf: config, encoding: .utf8)
            if !governed { text = Self.removingBlock("policy", from: text) }
            text += "reconnect:\n  initial_seconds: 0.1\n  max_seconds: 0.5\n"
            try text.write(to: config, atomically: true, encoding: .utf8)
        }
    }

    /// A top-level YAML block (`key:` and its indented lines) taken out of a config's text.
    static func removingBlock(_ key: String, from text: String) -> String {
        var kept: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\(key):") {
                inside = true
                continue
            }
            if inside && (line.hasPrefix(" ") || line.isEmpty) { continue }
            inside = false
            kept.append(line)
        }
        let joined = kept.joined(separator: "\n")
        return joined.hasSuffix("\n") ? joined : joined + "\n"
    }

    /// Writes the coordinator's config with `study` lines (YAML, indented by the caller's keys).
    @discardableResult
    func configureCoordinator(
        study: [String], extra: [String] = [], heartbeatSeconds: Double = 0.2,
        missedHeartbeats: Int = 25, audit: Bool = false
    ) throws -> URL {
        let lines =
            [
                "listen: 127.0.0.1:0", "certificate: coordinator.crt", "key: coordinator.key", "ca: ca.crt",
                "revocations: revocations.txt", "database: coordinator.sqlite",
                "heartbeat_seconds: \(heartbeatSeconds)", "missed_heartbeats: \(missedHeartbeats)", "site_wait_seconds: 60"
            ] + (audit ? ["audit:", "  directory: audit", "  key: keys/audit.key"] : []) + extra + ["study:"] + study.map { "  " + $0 }
        let url = coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Makes the coordinator listen on `port` (a restarted coordinator where the sites dial).
    func pinCoordinatorPort(_ port: Int) throws {
        let url = coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig)
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)")
            .write(to: url, atomically: true, encoding: .utf8)
    }

    /// Starts the coordinator and returns it with the port it listens on.
    func startCoordinator(_ name: String = "coordinator", output: URL? = nil) async throws -> (CohortProcess, Int) {
        let portFile = directory.path("\(name).port")
        try? FileManager.default.removeItem(at: portFile)
        var arguments = [
            "coordinator", "--config", coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig).path,
            "--port-file", portFile.path
        ]
        if let output { arguments += ["--output", output.path] }
        let process = try CohortProcess(name, arguments: arguments, in: directory.url)
        processes.append(process)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return (process, port)
            }
            if !process.isRunning { throw ProcessTimeout("the coordinator exited: \(process.errors)") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ProcessTimeout("the coordinator did not start listening: \(process.errors)")
    }

    /// Provisions the four hospitals, starts the coordinator on `study` and one site process
    /// per hospital, and waits (bounded) for the coordinator to end; returns it and its run.json.
    func runHeartStudy(_ study: [String]) async throws -> (coordinator: CohortProcess, status: Int32?, output: URL) {
        try await provision()
        try configureCoordinator(study: study)
        let output = directory.path("result.json")
        let (coordinator, port) = try await startCoordinator(output: output)
        for hospital in Self.hospitals { _ = try startSite(hospital, port: port) }
        return (coordinator, await coordinator.wait(seconds: 300), output)
    }

    func startSite(_ site: String, port: Int, data: String = "heart-disease", kit: URL? = nil, name: String? = nil) throws -> CohortProcess {
        let kit = kit ?? layout.siteKit(site)
        let process = try CohortProcess(
            name ?? site,
            arguments: [
                "site", "--config", kit.appendingPathComponent(KitFile.siteConfig).path,
                "--data", data, "--coordinator", "127.0.0.1:\(port)"
            ],
            in: directory.url)
        processes.append(process)
        return process
    }

    /// The steward of `site` approves the plan of the study in `config` (a coordinator.yaml),
    /// as a steward would: `cohort study plan`, then `cohort site approve` with the kit's steward key.
    func approvePlan(of config: URL, at site: String) async throws -> String {
        let kit = layout.siteKit(site)
        let plan = directory.path("plan-\(site)-\(UInt32.random(in: .min ... .max)).json")
        let written = try await CohortProcess.run(["study", "plan", "--config", config.path, "--out", plan.path], in: directory.url)
        guard written.status == 0 else { throw ProcessTimeout("study plan failed: \(written.errors)") }
        let approved = try await CohortProcess.run(
            [
                "site", "approve", "--plan", plan.path, "--policy-dir", kit.appendingPathComponent("policy").path,
                "--by", "steward of \(site)", "--key", kit.appendingPathComponent("steward/steward.key").path
            ],
            in: directory.url)
        guard approved.status == 0 else { throw ProcessTimeout("site approve failed: \(approved.errors)") }
        let hash = written.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return hash
    }

    func stopAll() {
        for process in processes { process.stop() }
    }

    func remove() {
        stopAll()
        directory.remove()
    }

    /// The final model checksum and rounds of a run.json.
    static func result(_ url: URL) throws -> (checksum: String, rounds: [[String: Any]]) {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        let final = json["final"] as? [String: Any] ?? [:]
        return (final["model_checksum"] as? String ?? "", json["rounds"] as? [[String: Any]] ?? [])
    }

    /// `cohort simulate`'s checksum for the same study.
    func simulate(_ arguments: [String] = []) async throws -> String {
        let output = directory.path("simulate-\(UInt32.random(in: .min ... .max)).json")
        let result = try await CohortProcess.run(["simulate", "--quiet", "--output", output.path] + arguments, in: directory.url)
        guard result.status == 0 else { throw ProcessTimeout("simulate failed: \(result.errors)") }
        return try Self.result(output).checksum
    }
}
