import CohortTestSupport
import Federation
import Foundation
import Learning
import Testing

@testable import Transport

/// Answers an honest site never sends, each refused with its reason in the receipt and the
/// coordinator's log, and none of them reaching the model.
@Suite("Rejected updates", .serialized)
struct UpdateRejectionTests {
    static let data = SyntheticSites.make(["north", "south"], rows: 40, seed: 7)

    /// Runs a study whose only honest site is `south`; `north` is driven by the test.
    static func run(
        rounds: Int = 1, minimumSites: Int = 1, deadline: Double = 5,
        north: @escaping @Sendable (CoordinatorLink, RawSite.Offer) async throws -> [Cohort_Deployment_V1_Receipt]?
    )
        async throws -> (receipts: [Cohort_Deployment_V1_Receipt], outcome: StudyOutcome, lines: LogLines)
    {
        try await run(rounds: rounds, minimumSites: minimumSites, deadline: deadline, vectorLane: false) { _, _ in north }
    }

    /// The same, with the coordinator's vector lane open; `north(lane, credentials)` builds the
    /// test's site from the lane's address and north's credentials.
    static func run(
        rounds: Int = 1, minimumSites: Int = 1, deadline: Double = 5, vectorLane: Bool,
        north: (NetworkAddress?, Credentials) throws -> @Sendable (CoordinatorLink, RawSite.Offer) async throws -> [Cohort_Deployment_V1_Receipt]?
    )
        async throws -> (receipts: [Cohort_Deployment_V1_Receipt], outcome: StudyOutcome, lines: LogLines)
    {
        let configuration = try SyntheticSites.configuration(studyID: "synthetic", rounds: rounds, minimumSites: minimumSites, deadline: deadline, sites: 2)
        let (study, model) = try MutualTLSStudyTests.description(for: data, configuration: configuration)
        let deployment = try await InProcessDeployment.start(
            sites: ["north", "south"], study: study, minimumSites: 2,
            deadline: deadline, vectorLane: vectorLane)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        let southAgent = try deployment.agent("south", worker: FederatedSiteWorker(data: data[1], stateDirectory: state.url))
        let south = Task { try await southAgent.run() }
        let credentials = try deployment.consortium.siteCredentials("north")
        let north = try north(deployment.laneAddress, credentials)
        let summary = DataSummary(exampleShape: data[0].train.exampleShape, task: .binary, trainingRows: 40, testRows: 20, schemaSHA256: nil)
        let address = deployment.address
        let rawNorth = Task { try await RawSite.session(address, credentials: credentials, data: summary, north) }
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(), initialParameters: model.parameters,
            layout: model.layout, transport: deployment.server.transport)
        let outcome = try await coordinator.run()
        let receipts = try await rawNorth.value
        await deployment.server.finishStudy(id: study.studyID, rounds: rounds, modelChecksum: "-")
        _ = try? await south.value
        await deployment.stop()
        return (receipts, outcome, deployment.lines)
    }

    @Test("wrong shape, stale round, NaN, oversized, unknown task: each refused with its reason")
    func refusals() async throws {
        let (receipts, outcome, lines) = try await Self.run { link, offer in
            let count = Int(offer.parameterCount)
            var results: [Cohort_Deployment_V1_Receipt] = []
            // Wrong shape: one value short.
            results.append(
                try await link.upload(
                    RawSite.update(for: offer, site: "north", delta: [Float](repeating: 0, count: count - 1)),
                    task: offer.taskID))
            return results
        }
        #expect(!receipts[0].accepted)
        #expect(receipts[0].reason.contains("wrong shape"))
        #expect(lines.contains("answer-rejected site=north"))
        let record = try #require(outcome.rounds.first)
        #expect(record.contributors == ["south"])
        #expect(record.failures.contains { $0.site == "north" && $0.reason.contains("wrong shape") })
    }

    @Test("a stale round is refused")
    func stale() async throws {
        let (receipts, outcome, _) = try await Self.run { link, offer in
            var update = RawSite.update(for: offer, site: "north")
            update.round -= 1
            return [try await link.upload(update, task: offer.taskID)]
        }
        #expect(receipts[0].reason.contains("stale"))
        #expect(outcome.rounds[0].contributors == ["south"])
    }

    @Test("NaN and infinity are refused and recorded as rejections")
    func nonFinite() async throws {
        let (receipts, outcome, _) = try await Self.run { link, offer in
            var delta = [Float](repeating: 0, count: Int(offer.parameterCount))
            delta[2] = .nan
            return [try await link.upload(RawSite.update(for: offer, site: "north", delta: delta), task: offer.taskID)]
        }
        #expect(!receipts[0].accepted)
        #expect(receipts[0].reason.contains("NaN"))
        #expect(outcome.rounds[0].rejections.contains { $0.site == "north" && $0.reason.contains("NaN") })
        #expect(outcome.rounds[0].contributors == ["south"])
    }

    @Test("a vector the study's algorithm does not declare is refused by name, and so are the retired per-algorithm fields")
    func undeclaredVector() async throws {
        let (receipts, outcome, _) = try await Self.run { link, offer in
            var update = RawSite.update(for: offer, site: "north", delta: [Float](repeating: 0.01, count: Int(offer.parameterCount)))
            update.vectors = ["sneaky": [Float](repeating: 1, count: Int(offer.parameterCount))]
            return [try await link.upload(update, task: offer.taskID)]
        }
        #expect(!receipts[0].accepted)
        #expect(receipts[0].reason.contains("'sneaky'") && receipts[0].reason.contains("does not declare"), "\(receipts[0].reason)")
        #expect(outcome.rounds[0].failures.contains { $0.site == "north" && $0.reason.contains("sneaky") }, "\(outcome.rounds[0])")
        let (retired, _, _) = try await Self.run { link, offer in
            var (header, vectors) = Cohort_Deployment_V1_UpdateHeader.announcing(
                RawSite.update(for: offer, site: "north", delta: [Float](repeating: 0, count: Int(offer.parameterCount))), task: offer.taskID)
            header.includesMask = true
            return [try await link.upload(header: header, vectors: vectors)]
        }
        #expect(retired[0].reason.contains("retired"), "\(retired[0].reason)")
    }

    @Test("oversized: more values than the model has, or a chunk over the limit")
    func oversized() async throws {
        let (receipts, _, _) = try await Self.run { link, offer in
            let count = Int(offer.parameterCount)
            var header = Cohort_Deployment_V1_UpdateHeader()
            header.taskID = offer.taskID
            header.study = offer.study
            header.round = offer.round
            header.parameterCount = offer.parameterCount
            header.sampleCount = 10
            // Announces a control-variate vector the study never asked for: refused before any byte is read.
            header.vectors = [Cohort_Deployment_V1_NamedVector(.controlDelta, count: count)]
            let zeros = [Float](repeating: 0, count: count)
            header.payloadChecksum = ValuesChecksum.of([zeros, zeros])
            let first = try await link.upload(
                header: header,
                vectors: [
                    TaskVector(kind: .delta, values: zeros),
                    TaskVector(kind: .controlDelta, values: zeros)
                ])
            return [first]
        }
        #expect(receipts[0].reason.contains("does not declare"), "\(receipts[0].reason)")
    }

    @Test("an answer for a task never offered, or offered to another site, is refused")
    func unknownAndForeignTasks() async throws {
        let (receipts, outcome, _) = try await Self.run { link, offer in
            let unknown = try await link.upload(RawSite.update(for: offer, site: "north"), task: "00000000000000000000000000000000")
            let honest = try await link.upload(RawSite.update(for: offer, site: "north"), task: offer.taskID)
            return [unknown, honest]
        }
        #expect(receipts[0].reason.contains("unknown task"))
        #expect(receipts[1].accepted)
        #expect(outcome.rounds[0].contributors == ["north", "south"])
    }

    @Test("a straggler past the deadline is left out and told so")
    func straggler() async throws {
        let (receipts, outcome, lines) = try await Self.run(deadline: 1) { link, offer in
            try await Task.sleep(for: .milliseconds(1_500))
            return [try await link.upload(RawSite.update(for: offer, site: "north"), task: offer.taskID)]
        }
        #expect(receipts[0].reason.contains("too late"))
        #expect(outcome.rounds[0].stragglers == ["north"])
        #expect(outcome.rounds[0].contributors == ["south"])
        #expect(lines.contains("task-withdrawn site=north"))
    }
}
