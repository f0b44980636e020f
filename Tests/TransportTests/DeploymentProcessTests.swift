import CohortTestSupport
import Federation
import Foundation
import Testing

@testable import Transport

/// Real processes: `cohort coordinator` and one `cohort site` per hospital on 127.0.0.1, over
/// mutual TLS, with the four-hospital heart-disease data (FLamby's protocol, as `cohort
/// simulate` runs it by default).
@Suite("Deployment in processes", .serialized)
struct DeploymentProcessTests {
    static let heartStudy = [
        "id: heart", "dataset: heart-disease", "strategy: fedavg", "rounds: 15", "seed: 42",
        "sites: [cleveland, hungarian, switzerland, va]", "round_deadline_seconds: 60"
    ]

    @Test("a full study over mutual TLS ends with the model cohort simulate gets from the same seed")
    func fullStudy() async throws {
        let harness = try ProcessHarness("full")
        defer { harness.remove() }
        let (coordinator, status, output) = try await harness.runHeartStudy(Self.heartStudy)
        #expect(status == 0, "\(coordinator.errors)")
        let deployed = try ProcessHarness.result(output)
        #expect(deployed.rounds.count == 15)
        #expect(deployed.checksum.count == 16)
        #expect(deployed.checksum == (try await harness.simulate()))
        // The coordinator's files holding the model and its results are its user's alone.
        for file in [output, harness.coordinatorKit.appendingPathComponent("coordinator.sqlite")] {
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file.lastPathComponent) has mode \(String(mode ?? 0, radix: 8))")
        }
        for site in harness.processes.dropFirst() {
            #expect(await site.wait(seconds: 30) == 0, "\(site.name): \(site.errors)")
            #expect(site.output.contains(deployed.checksum))
        }
    }

    @Test("kill -9 of the coordinator, twice, mid-study: each time it resumes and the end is the same model")
    func coordinatorCrash() async throws {
        let harness = try ProcessHarness("crash")
        defer { harness.remove() }
        try await harness.provision()
        // Rounds take tens of milliseconds; enough of them that both kills land mid-study
        // however loaded the machine is.
        let rounds = 60
        // Only the last two checkpoints are kept: resuming needs no more, killed mid-save or not.
        // Vectors go over the vector lane, on a new port each start: sites learn it from Welcome.
        try harness.configureCoordinator(
            study: Self.heartStudy.map { $0 == "rounds: 15" ? "rounds: \(rounds)" : $0 },
            extra: ["keep_checkpoints: 2", "vector_lane: 127.0.0.1:0"])
        let output = harness.directory.path("result.json")
        let (first, port) = try await harness.startCoordinator("coordinator-1", output: output)
        for hospital in ProcessHarness.hospitals { _ = try harness.startSite(hospital, port: port) }
        // Killed as a round starts...
        #expect(await first.waitFor("round-started round=6"))
        first.kill()
        // ...same config and database, same port: the sites reconnect by themselves (with backoff).
        try harness.pinCoordinatorPort(port)
        let (second, _) = try await harness.startCoordinator("coordinator-2", output: output)
        #expect(await second.waitFor("resume_after_round="))
        let firstResume = try #require(Self.resumedRound(second.errors), "\(second.errors.prefix(400))")
        #expect((5..<rounds).contains(firstResume), "the first coordinator completed rounds 1-5 before it was killed")
        // ...and killed again in the middle of a round, after some sites answered.
        let later = firstResume + 4
        #expect(await second.waitFor("update-received site=hungarian round=\(later) "))
        second.kill()
        #expect(second.errors.contains("via=lane") && !second.errors.contains("via=grpc"))
        let (third, _) = try await harness.startCoordinator("coordinator-3", output: output)
        let status = await third.wait(seconds: 300)
        #expect(status == 0, "\(third.errors)")
        let secondResume = try #require(Self.resumedRound(third.errors), "\(third.errors.prefix(400))")
        #expect(secondResume >= later - 1 && secondResume < rounds, "resumed after round \(secondResume), killed in round \(later)")
        let deployed = try ProcessHarness.result(output)
        #expect(deployed.rounds.count == rounds)
        #expect(deployed.checksum.count == 16)
        #expect(deployed.checksum == (try await harness.simulate(["--rounds", "\(rounds)"])))
    }

    /// The round a restarted coordinator said it resumes after (`resume_after_round=N`).
    static func resumedRound(_ log: String) -> Int? {
        guard let range = log.range(of: "resume_after_round=") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("a site killed mid-round and restarted before it is declared dead: same model as without the crash")
    func siteRestart() async throws {
        let harness = try ProcessHarness("site-restart")
        defer { harness.remove() }
        try await harness.provision()
        // A generous liveness window and rejoin grace, so the restarted site is back before it
        // is declared dead or a round goes ahead without it, however slow the machine.
        try harness.configureCoordinator(
            study: Self.heartStudy, extra: ["rejoin_grace_seconds: 30"],
            heartbeatSeconds: 0.2, missedHeartbeats: 100)
        let output = harness.directory.path("result.json")
        let (coordinator, port) = try await harness.startCoordinator(output: output)
        var sites: [String: CohortProcess] = [:]
        for hospital in ProcessHarness.hospitals { sites[hospital] = try harness.startSite(hospital, port: port) }
        #expect(await coordinator.waitFor("round-started round=7"))
        sites["switzerland"]!.kill()
        let restarted = try harness.startSite("switzerland", port: port, name: "switzerland-restarted")
        let status = await coordinator.wait(seconds: 300)
        #expect(status == 0, "\(coordinator.errors)")
        #expect(await restarted.wait(seconds: 30) == 0, "\(restarted.errors)")
        #expect(restarted.errors.contains("state-restored"))
        let deployed = try ProcessHarness.result(output)
        #expect(deployed.rounds.allSatisfy { (($0["contributors"] as? [String]) ?? []).count == 4 })
        #expect(deployed.checksum == (try await harness.simulate()))
    }

    @Test("a site killed mid-round is left out (k of n), restarts with its checkpoint and rejoins")
    func siteCrash() async throws {
        let harness = try ProcessHarness("site-crash")
        defer { harness.remove() }
        try await harness.provision()
        // Enough rounds (each takes tens of milliseconds) that the study is still running when
        // the restarted site is back, however slow the machine.
        let rounds = 150
        try harness.configureCoordinator(study: [
            "id: heart", "dataset: heart-disease", "rounds: \(rounds)", "seed: 42",
            "min_sites: 3", "sites: [cleveland, hungarian, switzerland, va]",
            "round_deadline_seconds: 30"
        ])
        let output = harness.directory.path("result.json")
        let (coordinator, port) = try await harness.startCoordinator(output: output)
        var sites: [String: CohortProcess] = [:]
        for hospital in ProcessHarness.hospitals { sites[hospital] = try harness.startSite(hospital, port: port) }
        #expect(await coordinator.waitFor("round-started round=4"))
        sites["va"]!.kill()
        #expect(await coordinator.waitFor("site-dead site=va", seconds: 20))
        // Restarted only once a round has gone ahead without it (after the rejoin grace), so
        // the test does not depend on whether the kill landed before or after va's answer.
        #expect(await coordinator.waitFor("participants=cleveland,hungarian,switzerland\n", seconds: 20))
        let restarted = try harness.startSite("va", port: port, name: "va-restarted")
        let status = await coordinator.wait(seconds: 300)
        #expect(status == 0, "\(coordinator.errors)")
        #expect(await restarted.wait(seconds: 30) == 0, "\(restarted.errors)")
        #expect(restarted.errors.contains("state-restored"))
        let records = try ProcessHarness.result(output).rounds
        #expect(records.count == rounds)
        let contributors = records.map { ($0["contributors"] as? [String]) ?? [] }
        let missed = contributors.indices.filter { !contributors[$0].contains("va") }
        #expect(!missed.isEmpty, "va should have missed at least one round")
        #expect(contributors.last?.contains("va") == true, "va should be back by the last round")
        #expect(records.allSatisfy { ($0["accepted"] as? Bool) == true }, "3 of 4 is enough for every round")
    }

    @Test("another CA, a revoked certificate, no certificate and a replayed update are each rejected")
    func rejections() async throws {
        let harness = try ProcessHarness("rejections")
        defer { harness.remove() }
        try await harness.provision()
        let strangers = harness.directory.path("strangers")
        try await harness.provision(sites: ["cleveland"], name: "strangers", into: strangers)
        let revoked = try await CohortProcess.run(
            [
                "provision", "revoke", "hungarian", "--ca", harness.consortium.path,
                "--reason", "test revocation"
            ], in: harness.directory.url)
        #expect(revoked.status == 0, "\(revoked.errors)")
        try harness.configureCoordinator(study: [
            "id: heart", "dataset: heart-disease", "rounds: 2", "seed: 42", "min_sites: 1",
            "round_deadline_seconds: 30"
        ])
        let (coordinator, port) = try await harness.startCoordinator()
        let address = NetworkAddress(host: "127.0.0.1", port: port)

        // A site certificate from another consortium's CA.
        let strangerKit = ConsortiumDirectory(strangers).siteKit("cleveland")
        let foreign = try Credentials(
            presenting: strangerKit.appendingPathComponent(KitFile.siteCertificate),
            key: strangerKit.appendingPathComponent(KitFile.siteKey),
            trusting: harness.layout.caCertificate)
        await #expect(throws: (any Error).self) {
            try await RawSite.session(address, credentials: foreign, data: RawSite.heartData()) { _, _ in true }
        }
        #expect(await coordinator.waitFor("connection-refused reason=\"certificate 'cleveland' was not issued by the heart consortium CA"))
        // A revoked certificate.
        let hungarian = try Credentials(kit: .site(harness.layout.siteKit("hungarian")))
        await #expect(throws: (any Error).self) {
            try await RawSite.session(address, credentials: hungarian, data: RawSite.heartData()) { _, _ in true }
        }
        #expect(await coordinator.waitFor("was revoked on"))
        #expect(coordinator.errors.contains("test revocation"))
        // No certificate at all.
        await #expect(throws: (any Error).self) {
            try await RawSite.session(address, credentials: nil, data: RawSite.heartData()) { _, _ in true }
        }
        // A replayed update: the same answer sent twice for one task.
        let cleveland = try Credentials(kit: .site(harness.layout.siteKit("cleveland")))
        let receipts = try await RawSite.session(address, credentials: cleveland, data: RawSite.heartData()) { link, offer in
            let update = RawSite.update(for: offer, site: "cleveland")
            let first = try await link.upload(update, task: offer.taskID)
            let second = try await link.upload(update, task: offer.taskID)
            return [first, second]
        }
        #expect(receipts[0].accepted)
        #expect(!receipts[1].accepted)
        #expect(receipts[1].reason.contains("replayed"))
        #expect(await coordinator.waitFor("answer-rejected site=cleveland"))
        coordinator.stop()
    }
}
