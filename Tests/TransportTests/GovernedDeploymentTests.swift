import CohortTestSupport
import Foundation
import Testing

@testable import Transport

/// Governance in real processes on 127.0.0.1: every site keeps its own signed trail, runs
/// only the plan its steward approved, applies its policy, and the coordinator records why a
/// site refused; the same YAML gives the same model simulated and deployed.
@Suite("Governed deployment in processes", .serialized)
struct GovernedDeploymentTests {
    static let study = [
        "id: heart", "dataset: heart-disease", "strategy: fedavg", "rounds: 5", "seed: 42",
        "sites: [cleveland, hungarian, switzerland, va]", "round_deadline_seconds: 60"
    ]

    /// The event kinds of a trail, in order.
    static func events(in trail: URL) throws -> [String] {
        try String(contentsOf: trail, encoding: .utf8).split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["event"] as? String
        }
    }

    static func trail(of site: String, in harness: ProcessHarness) -> URL {
        harness.layout.siteKit(site).appendingPathComponent("audit/\(site).audit.jsonl")
    }

    @Test("approved plan: every trail verifies, every site's updates are on its trail, same model as cohort simulate --config")
    func governedStudy() async throws {
        let harness = try ProcessHarness("governed")
        defer { harness.remove() }
        try await harness.provision(governed: true)
        let config = try harness.configureCoordinator(study: Self.study, audit: true)
        var hashes: Set<String> = []
        for site in ProcessHarness.hospitals { hashes.insert(try await harness.approvePlan(of: config, at: site)) }
        #expect(hashes.count == 1)
        let output = harness.directory.path("result.json")
        let (coordinator, port) = try await harness.startCoordinator(output: output)
        for site in ProcessHarness.hospitals { _ = try harness.startSite(site, port: port) }
        #expect(await coordinator.wait(seconds: 300) == 0, "\(coordinator.errors)")
        let deployed = try ProcessHarness.result(output)
        #expect(deployed.rounds.count == 5)

        for site in ProcessHarness.hospitals {
            let trail = Self.trail(of: site, in: harness)
            let key = harness.layout.siteKit(site).appendingPathComponent("keys/audit.key.pub")
            let verify = try await CohortProcess.run(["audit", "verify", "--trail", trail.path, "--public-key", key.path], in: harness.directory.url)
            #expect(verify.status == 0, "\(site): \(verify.output) \(verify.errors)")
            let events = try Self.events(in: trail)
            #expect(events.filter { $0 == "instructions_received" }.count == 5, "\(site): \(events)")
            #expect(events.filter { $0 == "update_sent" }.count == 5, "\(site): \(events)")
            #expect(events.contains("evaluation_sent"))
            #expect(!events.contains("update_refused"))
        }
        let coordinatorTrail = harness.coordinatorKit.appendingPathComponent("audit/coordinator.audit.jsonl")
        let verify = try await CohortProcess.run(
            [
                "audit", "verify", "--trail", coordinatorTrail.path,
                "--public-key", harness.coordinatorKit.appendingPathComponent("keys/audit.key.pub").path
            ],
            in: harness.directory.url)
        #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
        let coordinatorEvents = try Self.events(in: coordinatorTrail)
        #expect(coordinatorEvents.contains("study_created"))
        #expect(coordinatorEvents.filter { $0 == "round_finished" }.count == 5)
        #expect(try String(contentsOf: coordinatorTrail, encoding: .utf8).contains(hashes.first!))

        // The same YAML in one process: the same model, bit for bit (no noise in this study).
        #expect(deployed.checksum == (try await harness.simulate(["--config", config.path])))

        // Witnessed trails: the coordinator recorded every site's head with each update and
        // evaluation, every site the coordinator's head with each round's instructions.
        let coordinatorKey = harness.coordinatorKit.appendingPathComponent("keys/audit.key.pub")
        #expect(coordinatorEvents.filter { $0 == "trail_witnessed" }.count >= 4 * 5, "\(coordinatorEvents)")
        for site in ProcessHarness.hospitals {
            let trail = Self.trail(of: site, in: harness)
            let key = harness.layout.siteKit(site).appendingPathComponent("keys/audit.key.pub")
            #expect(try Self.events(in: trail).filter { $0 == "trail_witnessed" }.count == 5)
            let witnessed = try await CohortProcess.run(
                [
                    "audit", "verify", "--trail", trail.path, "--public-key", key.path,
                    "--witnessed-by", coordinatorTrail.path, "--witness-key", coordinatorKey.path
                ],
                in: harness.directory.url)
            #expect(witnessed.status == 0, "\(site): \(witnessed.output) \(witnessed.errors)")
            let coordinatorWitnessed = try await CohortProcess.run(
                [
                    "audit", "verify", "--trail", coordinatorTrail.path, "--public-key", coordinatorKey.path,
                    "--witnessed-by", trail.path, "--witness-key", key.path
                ],
                in: harness.directory.url)
            #expect(coordinatorWitnessed.status == 0, "\(site): \(coordinatorWitnessed.output) \(coordinatorWitnessed.errors)")
        }
        // Cutting a site's last entries leaves a trail consistent on its own files, but not
        // with what the coordinator witnessed.
        let cut = Self.trail(of: "hungarian", in: harness)
        let cutKey = harness.layout.siteKit("hungarian").appendingPathComponent("keys/audit.key.pub")
        let cutLines = try String(contentsOf: cut, encoding: .utf8).split(separator: "\n")
        try (cutLines.dropLast(4).joined(separator: "\n") + "\n").write(to: cut, atomically: true, encoding: .utf8)
        let cutAlone = try await CohortProcess.run(["audit", "verify", "--trail", cut.path, "--public-key", cutKey.path], in: harness.directory.url)
        #expect(cutAlone.status == 0, "a cut trail passes on its own: \(cutAlone.output)")
        let cutWitnessed = try await CohortProcess.run(
            [
                "audit", "verify", "--trail", cut.path, "--public-key", cutKey.path,
                "--witnessed-by", coordinatorTrail.path, "--witness-key", coordinatorKey.path
            ],
            in: harness.directory.url)
        #expect(cutWitnessed.status != 0 && cutWitnessed.output.contains("recorded elsewhere"), "\(cutWitnessed.output) \(cutWitnessed.errors)")

        // A trail cut and rewritten by someone with file access fails verification.
        let trail = Self.trail(of: "va", in: harness)
        var lines = try String(contentsOf: trail, encoding: .utf8).split(separator: "\n")
        lines.remove(at: 3)
        try (lines.joined(separator: "\n") + "\n").write(to: trail, atomically: true, encoding: .utf8)
        let tampered = try await CohortProcess.run(["audit", "verify", "--trail", trail.path], in: harness.directory.url)
        #expect(tampered.status != 0, "\(tampered.output)")
    }

    @Test("a site whose steward approved another plan, and a site whose policy refuses, are recorded with their reasons")
    func refusals() async throws {
        let harness = try ProcessHarness("refusals")
        defer { harness.remove() }
        try await harness.provision(governed: true)
        // va's steward approved a 6-round plan; cleveland's policy wants more rows than it holds.
        let other = try harness.configureCoordinator(study: Self.study.map { $0 == "rounds: 5" ? "rounds: 6" : $0 }, audit: true)
        _ = try await harness.approvePlan(of: other, at: "va")
        let config = try harness.configureCoordinator(study: Self.study + ["min_sites: 2"], audit: true)
        for site in ["cleveland", "hungarian", "switzerland"] { _ = try await harness.approvePlan(of: config, at: site) }
        let policy = harness.layout.siteKit("cleveland").appendingPathComponent("policy/site-policy.yaml")
        let text = try String(contentsOf: policy, encoding: .utf8)
        try text.replacingOccurrences(of: "min_rows_per_update: 20", with: "min_rows_per_update: 100000")
            .write(to: policy, atomically: true, encoding: .utf8)
        let output = harness.directory.path("result.json")
        let (coordinator, port) = try await harness.startCoordinator(output: output)
        for site in ProcessHarness.hospitals { _ = try harness.startSite(site, port: port) }
        #expect(await coordinator.wait(seconds: 300) == 0, "\(coordinator.errors)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any] ?? [:]
        let rounds = json["rounds"] as? [[String: Any]] ?? []
        #expect(rounds.count == 5)
        let contributors = Set(rounds.flatMap { $0["contributors"] as? [String] ?? [] })
        #expect(contributors == ["hungarian", "switzerland"])
        // The coordinator's log and trail carry each refusal's reason.
        #expect(
            coordinator.errors.contains("site=va") && coordinator.errors.contains("has not been approved by the data steward"),
            "\(coordinator.errors.suffix(2000))")
        #expect(coordinator.errors.contains("min_rows_per_update"))
        let coordinatorTrail = try String(
            contentsOf: harness.coordinatorKit.appendingPathComponent("audit/coordinator.audit.jsonl"),
            encoding: .utf8)
        #expect(coordinatorTrail.contains("has not been approved by the data steward"))
        #expect(try Self.events(in: Self.trail(of: "va", in: harness)).contains("update_refused"))
        #expect(!(try Self.events(in: Self.trail(of: "va", in: harness)).contains("update_sent")))
        #expect(try String(contentsOf: Self.trail(of: "cleveland", in: harness), encoding: .utf8).contains("min_rows_per_update"))
    }

    @Test("a study no site may run exits non-zero and says why")
    func noRoundAccepted() async throws {
        let harness = try ProcessHarness("unapproved")
        defer { harness.remove() }
        try await harness.provision(sites: ["cleveland", "va"], governed: true)
        try harness.configureCoordinator(study: ["id: heart", "rounds: 2", "sites: [cleveland, va]", "round_deadline_seconds: 60"])
        let output = harness.directory.path("result.json")
        let (coordinator, port) = try await harness.startCoordinator(output: output)
        for site in ["cleveland", "va"] { _ = try harness.startSite(site, port: port) }
        let status = await coordinator.wait(seconds: 120)
        #expect(status != nil && status != 0)
        #expect(coordinator.errors.contains("no round of the study was accepted"), "\(coordinator.errors.suffix(1500))")
        #expect(coordinator.errors.contains("has not been approved"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("bad governance input: an unknown policy key, approvals signed by another key, an unwritable trail folder")
    func badGovernanceInput() async throws {
        let harness = try ProcessHarness("bad-governance")
        defer { harness.remove() }
        try await harness.provision(sites: ["cleveland"], governed: true)
        let kit = harness.layout.siteKit("cleveland")
        let config = kit.appendingPathComponent(KitFile.siteConfig).path
        func start() async throws -> (status: Int32, errors: String) {
            let result = try await CohortProcess.run(
                ["site", "--config", config, "--data", "heart-disease", "--coordinator", "127.0.0.1:9"],
                in: harness.directory.url, seconds: 60)
            return (result.status, result.errors)
        }
        let trail = kit.appendingPathComponent("audit/cleveland.audit.jsonl")

        // A typo in the policy: the file, the line, the key; no trail written.
        let policy = kit.appendingPathComponent("policy/site-policy.yaml")
        let original = try String(contentsOf: policy, encoding: .utf8)
        try (original + "min_row_per_update: 5\n").write(to: policy, atomically: true, encoding: .utf8)
        var result = try await start()
        #expect(result.status != 0)
        #expect(result.errors.contains("site-policy.yaml") && result.errors.contains("min_row_per_update"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: trail.path))
        try original.write(to: policy, atomically: true, encoding: .utf8)

        // Approvals signed by a key that is not the steward's.
        let stranger = harness.directory.path("stranger.key")
        #expect(try await CohortProcess.run(["audit", "keygen", "--out", stranger.path], in: harness.directory.url).status == 0)
        let planFile = harness.directory.path("plan.json")
        let coordinator = try harness.configureCoordinator(study: Self.study)
        #expect(try await CohortProcess.run(["study", "plan", "--config", coordinator.path, "--out", planFile.path], in: harness.directory.url).status == 0)
        #expect(
            try await CohortProcess.run(
                [
                    "site", "approve", "--plan", planFile.path, "--policy-dir", kit.appendingPathComponent("policy").path,
                    "--by", "someone", "--key", stranger.path
                ], in: harness.directory.url
            ).status == 0)
        result = try await start()
        #expect(result.status != 0)
        #expect(result.errors.contains("approvals.jsonl") && result.errors.contains("not signed by the steward key"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: trail.path))
        try FileManager.default.removeItem(at: kit.appendingPathComponent("policy/approvals.jsonl"))

        // A trail folder this user cannot write (root can write anywhere, so that case is skipped as root).
        if getuid() != 0 {
            let folder = kit.appendingPathComponent("audit")
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path) }
            result = try await start()
            #expect(result.status != 0)
            #expect(result.errors.contains("is not writable"), "\(result.errors)")
        }
        let unwritable = kit.appendingPathComponent("site.yaml")
        let text = try String(contentsOf: unwritable, encoding: .utf8)
        try text.replacingOccurrences(of: "directory: audit", with: "directory: /proc/cohort-audit")
            .write(to: unwritable, atomically: true, encoding: .utf8)
        result = try await start()
        #expect(result.status != 0)
        #expect(result.errors.contains("audit.directory") && result.errors.contains("cannot be created"), "\(result.errors)")
    }

    @Test("private noise: two deployed DP runs with the same seed end at different models, and neither is the simulation's")
    func privateNoiseDiffers() async throws {
        let harness = try ProcessHarness("private-noise")
        defer { harness.remove() }
        try await harness.provision()
        let study = Self.study.map { $0 == "rounds: 5" ? "rounds: 3" : $0 } + ["dp_noise: 1.0", "dp_clip: 1.0"]
        let config = try harness.configureCoordinator(study: study)
        var checksums: [String] = []
        for run in 1...2 {
            try? FileManager.default.removeItem(at: harness.coordinatorKit.appendingPathComponent("coordinator.sqlite"))
            let output = harness.directory.path("run-\(run).json")
            let (coordinator, port) = try await harness.startCoordinator("coordinator-\(run)", output: output)
            for site in ProcessHarness.hospitals { _ = try harness.startSite(site, port: port, name: "\(site)-\(run)") }
            #expect(await coordinator.wait(seconds: 300) == 0, "\(coordinator.errors)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any] ?? [:]
            #expect((json["config"] as? [String: Any])?["noise"] as? String == "secure")
            checksums.append(try ProcessHarness.result(output).checksum)
            harness.stopAll()
        }
        #expect(checksums[0] != checksums[1])
        let simulated = try await harness.simulate(["--config", config.path])
        #expect(!checksums.contains(simulated))
        // Seeded noise is the simulation's alone, and reproduces bit for bit there.
        let seeded = try await harness.simulate(["--config", config.path, "--reproducible-noise"])
        #expect(seeded == (try await harness.simulate(["--config", config.path, "--reproducible-noise"])))
    }
}
