import CohortTestSupport
import Federation
import Foundation
import Learning
import Testing

@testable import Transport

/// The study's end reaches every site, also one that was away when it was announced: a site
/// reconnecting at that moment used to be welcomed into a study that never offered it anything
/// again, and its agent heartbeated for ever (the deployment suite's stall).
@Suite("The end of a study reaches every site")
struct StudyEndTests {
    @Test("a site that connects after the study ended is told so at once, and its agent stops with the study's result")
    func lateSiteLearnsTheEnd() async throws {
        let data = SyntheticSites.make(["north", "south"], rows: 40, seed: 7)
        let configuration = try SyntheticSites.configuration(studyID: "synthetic", rounds: 1, deadline: 30, sites: 2)
        let (study, _) = try MutualTLSStudyTests.description(for: data, configuration: configuration)
        let deployment = try await InProcessDeployment.start(sites: ["north", "south"], study: study, minimumSites: 1)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        // North is connected when the end is announced; south connects only afterwards.
        let north = try deployment.agent("north", worker: FederatedSiteWorker(data: data[0], stateDirectory: state.path("north")))
        let northRun = Task { try await north.run() }
        #expect(await deployment.lines.wait(for: "site-connected site=north"))
        await deployment.server.finishStudy(id: study.studyID, rounds: 7, modelChecksum: "feedbeef")
        let south = try deployment.agent("south", worker: FederatedSiteWorker(data: data[1], stateDirectory: state.path("south")))
        let southRun = Task { try await south.run() }
        // Bounded: an agent that never learns the end is cancelled after 20 s and fails below.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            northRun.cancel()
            southRun.cancel()
        }
        let northEnd = try await northRun.value
        let southEnd = try await southRun.value
        watchdog.cancel()
        await deployment.stop()
        #expect(northEnd.rounds == 7 && northEnd.modelChecksum == "feedbeef")
        #expect(southEnd.study == study.studyID && southEnd.rounds == 7 && southEnd.modelChecksum == "feedbeef")
        #expect(deployment.lines.contains("site-told-study-finished"))
    }
}
