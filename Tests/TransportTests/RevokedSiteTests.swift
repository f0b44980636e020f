import CohortTestSupport
import Federation
import Foundation
import Learning
import Testing

@testable import Transport

/// A site whose certificate the coordinator refuses during the TLS handshake (revoked before
/// the site connects): the site sees only a certificate_unknown alert, so it stops after
/// `SiteAgent.refusalsBeforeStopping` refusals in a row with the likely cause and the fix,
/// instead of redialling for ever. Other connection failures are still redialled.
@Suite("A site refused at the handshake", .serialized)
struct RevokedSiteTests {
    @Test("a site revoked before it connects stops within seconds with an error naming the revocation and the fix")
    func revokedBeforeConnecting() async throws {
        let data = SyntheticSites.make(["north", "south"], rows: 40, seed: 7)
        let (study, _) = try MutualTLSStudyTests.description(
            for: data, configuration: try SyntheticSites.configuration(studyID: "synthetic", rounds: 1, deadline: 30, sites: 2))
        let deployment = try await InProcessDeployment.start(sites: ["north", "south"], study: study, minimumSites: 1)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        _ = try Provisioner().revoke(site: "north", in: deployment.consortium.root, reason: "key reported stolen")
        let serial = try deployment.consortium.siteCredentials("north").certificate.serialHex

        let agent = try deployment.agent("north", worker: FederatedSiteWorker(data: data[0], stateDirectory: state.path("north")))
        let started = ContinuousClock.now
        let run = Task { try await agent.run() }
        // Bounded: a site that redials for ever is cancelled, and the checks below fail on it.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(15))
            run.cancel()
        }
        let end = await run.result
        watchdog.cancel()
        let elapsed = ContinuousClock.now - started
        // South is untouched: it still gets in.
        let south = try deployment.agent("south", worker: FederatedSiteWorker(data: data[1], stateDirectory: state.path("south")))
        let southRun = Task { try await south.run() }
        #expect(await deployment.lines.wait(for: "site-connected site=south"))
        southRun.cancel()
        await deployment.stop()

        guard case .failure(let error) = end else {
            Issue.record("the revoked site's agent finished the study")
            return
        }
        let message = "\(error)"
        #expect(error is SiteAgentError, "\(error)")
        #expect(message.contains("refused this site's certificate") && message.contains("revoked"), "\(message)")
        #expect(message.contains(serial) && message.contains("ask the consortium operator for a new certificate"), "\(message)")
        #expect(elapsed < .seconds(10), "stopping took \(elapsed)")
        let refusals = deployment.lines.all.filter { $0.contains("connection-refused") && $0.contains("was revoked") }.count
        #expect(refusals >= SiteAgent.refusalsBeforeStopping && refusals <= 2 * SiteAgent.refusalsBeforeStopping, "\(refusals) refused handshakes")
        #expect(
            deployment.lines.all.filter { $0.contains("site-north") && $0.contains("certificate_unknown") }.count
                == SiteAgent.refusalsBeforeStopping - 1, "each refusal but the last is logged with its alert")
    }

    @Test("cohort site with a revoked certificate exits non-zero with one error line naming the revocation")
    func revokedSiteProcess() async throws {
        let harness = try ProcessHarness("revoked-site")
        defer { harness.remove() }
        try await harness.provision(sites: ["cleveland", "hungarian"])
        let revoke = try await CohortProcess.run(
            [
                "provision", "revoke", "hungarian", "--ca", harness.consortium.path,
                "--reason", "laptop stolen"
            ], in: harness.directory.url)
        #expect(revoke.status == 0, "\(revoke.errors)")
        try harness.configureCoordinator(study: ["dataset: heart-disease", "min_sites: 1"])
        let (coordinator, port) = try await harness.startCoordinator()
        let config = harness.layout.siteKit("hungarian").appendingPathComponent(KitFile.siteConfig).path
        let site = try await CohortProcess.run(
            ["site", "--config", config, "--data", "heart-disease", "--coordinator", "127.0.0.1:\(port)"],
            in: harness.directory.url, seconds: 60)
        #expect(site.status != 0)
        let line = DeploymentBadInputTests.errorLine(site.errors)
        #expect(
            line.contains("refused this site's certificate") && line.contains("revoked")
                && line.contains("ask the consortium operator for a new certificate"), "\(site.errors)")
        #expect(await coordinator.waitFor("connection-refused"))
        coordinator.stop()
    }

    @Test("a coordinator that is not listening is redialled, not given up on")
    func unreachableCoordinatorIsRedialled() async throws {
        let consortium = try TestConsortium(sites: ["north"])
        defer { consortium.remove() }
        let closed = try BoundSocket()
        defer { closed.close() }
        let lines = LogLines()
        let data = SyntheticSites.make(["north"], rows: 40, seed: 7)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        let agent = SiteAgent(
            options: .init(
                coordinator: NetworkAddress(host: "127.0.0.1", port: closed.port),
                credentials: try consortium.siteCredentials("north"),
                reconnectInitialSeconds: 0.02, reconnectMaximumSeconds: 0.1),
            worker: try FederatedSiteWorker(data: data[0], stateDirectory: state.path("north")), log: lines.log("site"))
        let run = Task { try await agent.run() }
        let attempts = 3 * SiteAgent.refusalsBeforeStopping
        let deadline = Date().addingTimeInterval(10)
        while lines.all.filter({ $0.contains("connection-lost") }).count < attempts, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(lines.all.filter { $0.contains("connection-lost") }.count >= attempts)
        run.cancel()
        guard case .failure(let error) = await run.result else {
            Issue.record("the agent finished")
            return
        }
        #expect(error is CancellationError, "it gave up on its own: \(error)")
    }

    @Test("the alert is read from BoringSSL's error text; the site's own verification failures are not refusals")
    func alertFromErrorText() {
        let received = "Error: 268436502 error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN at tls_record.cc:491"
        #expect(HandshakeRefusal.receivedAlert(in: received) == 46)
        #expect(HandshakeRefusal.receivedAlert(in: "error:10000414:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_REVOKED") == 44)
        #expect(HandshakeRefusal.receivedAlert(in: "error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED") == nil)
        #expect(HandshakeRefusal.receivedAlert(in: "connection refused") == nil)
    }
}

/// A TCP socket bound to a free loopback port and not listening: connections to it are
/// refused at once, and no other test can take the port while it is held.
private struct BoundSocket {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw ProcessTimeout("cannot bind a loopback socket: \(String(cString: strerror(errno)))") }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
