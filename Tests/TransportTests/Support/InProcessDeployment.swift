import CohortTestSupport
import Federation
import Foundation
import Learning

@testable import Transport

/// A coordinator server and site agents in this process, talking over loopback mutual TLS:
/// the real network path, without processes.
struct InProcessDeployment {
    let consortium: TestConsortium
    let server: CoordinatorServer
    let port: Int
    let study: StudyDescription
    let lines: LogLines

    /// `expectedSites`: the study's `sites:` list (nil: any site of the consortium may join).
    static func start(
        sites: [String], study: StudyDescription, minimumSites: Int, deadline: Double = 30,
        limits: ProtocolLimits = Self.fastLimits, vectorLane: Bool = false,
        expectedSites: [String]? = nil
    ) async throws -> InProcessDeployment {
        let consortium = try TestConsortium(sites: sites)
        let lines = LogLines()
        let server = try CoordinatorServer(
            options: .init(
                listen: NetworkAddress(host: "127.0.0.1", port: 0), credentials: consortium.coordinatorCredentials(),
                revocations: consortium.consortium.coordinatorKit.appendingPathComponent(KitFile.revocations),
                limits: limits, study: study, minimumSites: minimumSites, roundDeadlineSeconds: deadline,
                expectedSites: expectedSites.map { names in names.map { SiteID($0) } },
                vectorLane: vectorLane ? NetworkAddress(host: "127.0.0.1", port: 0) : nil),
            log: lines.log("coordinator"))
        let port = try await server.start()
        return InProcessDeployment(consortium: consortium, server: server, port: port, study: study, lines: lines)
    }

    static var fastLimits: ProtocolLimits {
        var limits = ProtocolLimits()
        limits.heartbeatInterval = 0.2
        // 5 s of silence: short enough for the tests that kill sites, long enough that a loaded
        // CI machine (every suite at once on two cores) does not starve a live site's heartbeats.
        limits.missedHeartbeats = 25
        limits.siteWaitSeconds = 20
        limits.rejoinGraceSeconds = 0.5
        return limits
    }

    var address: NetworkAddress { NetworkAddress(host: "127.0.0.1", port: port) }

    /// The vector lane's address (nil: started without one).
    var laneAddress: NetworkAddress? { server.vectorLanePort.map { NetworkAddress(host: "127.0.0.1", port: $0) } }

    func agent(_ site: String, worker: any SiteWorker, credentials: Credentials? = nil) throws -> SiteAgent {
        SiteAgent(
            options: .init(
                coordinator: address, credentials: try credentials ?? consortium.siteCredentials(site),
                reconnectInitialSeconds: 0.05, reconnectMaximumSeconds: 0.5),
            worker: worker, log: lines.log("site-\(site)"))
    }

    func stop() async {
        await server.stop()
        consortium.remove()
    }
}

/// Collects log lines from every component, for assertions about what was logged.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func log(_ component: String) -> EventLog {
        EventLog(component: component) { line in
            self.lock.lock()
            self.stored.append(line)
            self.lock.unlock()
        }
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    /// Waits until a line containing `text` appears (bounded).
    func wait(for text: String, seconds: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return contains(text)
    }
}
