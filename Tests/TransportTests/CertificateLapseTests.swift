import CohortTestSupport
import Federation
import Foundation
import Learning
import Testing
import X509

@testable import Transport

/// A certificate that is revoked, or expires, while its site is connected: the coordinator
/// asks on every call and heartbeat, so the site is shut out at once, not at its next
/// reconnect.
@Suite("Certificates that lapse while connected", .serialized)
struct CertificateLapseTests {
    static func admission(_ consortium: TestConsortium) throws -> SiteAdmission {
        let credentials = try consortium.coordinatorCredentials()
        let revocations = try RevocationWatch(
            file: consortium.consortium.coordinatorKit.appendingPathComponent(KitFile.revocations),
            authority: credentials.authority, consortium: consortium.name, log: .silent)
        return SiteAdmission(authority: credentials.authority, consortium: consortium.name, revocations: revocations, log: .silent)
    }

    static func certificate(of site: String, in consortium: TestConsortium) throws -> Certificate {
        try PEMFiles.certificate(at: consortium.layout.siteKit(site).appendingPathComponent(KitFile.siteCertificate))
    }

    @Test("a standing certificate has no lapse; after revocation, and past its expiry, it has one naming why")
    func lapse() throws {
        let consortium = try TestConsortium(sites: ["north", "south"])
        defer { consortium.remove() }
        let admission = try Self.admission(consortium)
        let north = try Self.certificate(of: "north", in: consortium)
        let south = try Self.certificate(of: "south", in: consortium)
        #expect(admission.verdict(on: [north]) == .admitted(SiteID("north")))
        #expect(admission.lapse(of: north, site: SiteID("north")) == nil)

        let later = north.notValidAfter.addingTimeInterval(1)
        let expired = try #require(admission.lapse(of: north, site: SiteID("north"), now: later))
        #expect(expired.contains("certificate of site north expired on"))
        #expect(admission.verdict(on: [north], now: later) == .refused(expired))

        _ = try Provisioner().revoke(site: "north", in: consortium.root, reason: "laptop stolen")
        let revoked = try #require(admission.lapse(of: north, site: SiteID("north")))
        #expect(revoked.contains("certificate of site north (serial") && revoked.contains("laptop stolen"))
        #expect(admission.verdict(on: [north]) == .refused(revoked))
        #expect(admission.lapse(of: south, site: SiteID("south")) == nil, "revoking one site touches no other")
    }

    @Test(
        "a site revoked mid-study is expelled within a heartbeat, contributes to no later round, and its agent stops with the reason",
        arguments: [false, true])
    func revokedWhileConnected(vectorLane: Bool) async throws {
        let names = ["north", "south", "west"]
        let data = SyntheticSites.make(names, rows: 40, seed: 7)
        let configuration = try SyntheticSites.configuration(studyID: "synthetic", rounds: 5, minimumSites: 2, deadline: 30, sites: data.count)
        let (study, model) = try MutualTLSStudyTests.description(for: data, configuration: configuration)
        let deployment = try await InProcessDeployment.start(sites: names, study: study, minimumSites: 2, vectorLane: vectorLane)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        var agents: [String: Task<SiteAgent.Finish, any Error>] = [:]
        for site in data {
            let agent = try deployment.agent(site.name, worker: FederatedSiteWorker(data: site, stateDirectory: state.path(site.name)))
            agents[site.name] = Task { try await agent.run() }
        }
        // All three in from round 1 (two would be enough to start it).
        for name in names { #expect(await deployment.lines.wait(for: "site-connected site=\(name)")) }
        let root = deployment.consortium.root
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(), initialParameters: model.parameters,
            layout: model.layout, transport: deployment.server.transport)
        // After round 2, before round 3 is offered: west's key is reported stolen.
        let outcome = try await coordinator.run(roundCompleted: { checkpoint in
            if checkpoint.rounds.count == 2 { _ = try Provisioner().revoke(site: "west", in: root, reason: "key reported stolen") }
        })
        await deployment.server.finishStudy(id: study.studyID, rounds: outcome.rounds.count, modelChecksum: "x")

        // West's agent ends on its own with the coordinator's reason instead of redialling
        // (after 10 s it is cancelled, and the check below fails on the CancellationError).
        let west = try #require(agents["west"])
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            west.cancel()
        }
        let westEnd = await west.result
        watchdog.cancel()
        for name in ["north", "south"] { _ = try await agents[name]!.value }
        await deployment.stop()

        #expect(outcome.rounds.count == 5)
        for round in outcome.rounds.prefix(2) { #expect(round.contributors.contains(SiteID("west"))) }
        for round in outcome.rounds.dropFirst(2) {
            #expect(!round.contributors.contains(SiteID("west")), "round \(round.round) folded west after its revocation")
            #expect(round.contributors.count == 2)
        }
        #expect(deployment.lines.all.contains { $0.contains("site-expelled") && $0.contains("site=west") && $0.contains("key reported stolen") })
        guard case .failure(let error) = westEnd else {
            Issue.record("west's agent finished the study")
            return
        }
        #expect(error is SiteAgentError && "\(error)".contains("was revoked") && "\(error)".contains("key reported stolen"), "\(error)")
        #expect(!deployment.lines.all.contains { $0.contains("site-expelled") && !$0.contains("site=west") })
        // Expelled, not left to time out: no task of west waits for the dead-site limit.
        #expect(!deployment.lines.all.contains { $0.contains("site-dead") && $0.contains("site=west") })
    }
}
