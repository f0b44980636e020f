import Federation
import Foundation
import Learning
import Testing
@testable import Transport

@Suite("Revoked site experiment", .serialized)
struct RevokedSiteTests {
    @Test("what a revoked site sees")
    func experiment() async throws {
        let data = SyntheticData.sites(["north"])
        let configuration = SyntheticData.configuration(rounds: 1, sites: 1)
        let (study, _) = try MutualTLSStudyTests.description(for: data, configuration: configuration)
        let deployment = try await InProcessDeployment.start(sites: ["north"], study: study, minimumSites: 1)
        _ = try Provisioner().revoke(site: "north", in: deployment.consortium.root, reason: "key reported stolen")
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        let agent = try deployment.agent("north", worker: FederatedSiteWorker(data: data[0], stateDirectory: state.path("north")))
        let task = Task { try await agent.run() }
        try await Task.sleep(for: .seconds(3))
        task.cancel()
        _ = await task.result
        await deployment.stop()
        for line in deployment.lines.all { print("LINE", line) }
    }
}
