import CohortTestSupport
import Federation
import Foundation
import Learning
import Studies
import Testing

@testable import Transport

/// A kit's study admits only the sites it was made for: another site certified by the same
/// CA (added later with `provision add-site`, or made for another study) is refused until the
/// operator lists it.
@Suite("Kits admit the sites they name", .serialized)
struct KitAdmissionTests {
    @Test("provision init --sites alpha,beta writes sites: [alpha, beta] into the study, and the study reads it")
    func kitListsItsSites() throws {
        let consortium = try TestConsortium(sites: ["alpha", "beta"])
        defer { consortium.remove() }
        let url = consortium.consortium.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\n  sites: [alpha, beta]\n"), "\(text)")
        #expect(text.contains("restart the coordinator"))
        let config = try CoordinatorConfig.load(url)
        let study = try StudySpecification(config: config.study)
        #expect(study.sites == ["alpha", "beta"])
        #expect(try study.resolved(for: .deployment).expectedSites == ["alpha", "beta"])

        // Without --sites there is no list to write: the kit says what the key does.
        let empty = try TestConsortium(sites: [])
        defer { empty.remove() }
        let bare = try String(contentsOf: empty.consortium.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig), encoding: .utf8)
        #expect(bare.contains("# sites: [NAME, ...]"))
        #expect(
            try StudySpecification(config: CoordinatorConfig.load(empty.consortium.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig)).study)
                .sites == nil)
    }

    @Test("a site certified by the same CA but not listed is refused with the reason; a listed one is welcomed")
    func unlistedSiteRefused() async throws {
        let study = StudyDescription(
            studyID: "listed", model: .logisticRegression, seed: 1, exampleShape: Shape([5]), task: .binary,
            parameterCount: 6, schemaSHA256: nil, rounds: 1)
        let deployment = try await InProcessDeployment.start(
            sites: ["alpha", "beta", "gamma"], study: study, minimumSites: 1,
            expectedSites: ["alpha", "beta"])
        var hello = Cohort_Deployment_V1_Hello()
        hello.protocolVersion = 1
        hello.data = Cohort_Deployment_V1_DataDescription(
            DataSummary(
                exampleShape: Shape([5]), task: .binary, trainingRows: 10,
                testRows: 5, schemaSHA256: nil))
        let gamma = await HostileIntegerTests.greet(hello, at: deployment.address, credentials: try deployment.consortium.siteCredentials("gamma"))
        let alpha = await HostileIntegerTests.greet(hello, at: deployment.address, credentials: try deployment.consortium.siteCredentials("alpha"))
        await deployment.stop()
        #expect(gamma.contains("site gamma is not one of the sites of study 'listed'"), "\(gamma)")
        #expect(alpha == "welcome" || alpha == "closed", "\(alpha)")
        #expect(deployment.lines.contains("site-refused site=gamma"))
    }
}
