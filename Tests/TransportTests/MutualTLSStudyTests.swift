import CohortTestSupport
import Federation
import Foundation
import Learning
import Testing

@testable import Transport

@Suite("A study over loopback mutual TLS", .serialized)
struct MutualTLSStudyTests {
    static let names = ["north", "south", "west"]

    static func description(for data: [SiteData], configuration: StudyConfiguration) throws -> (StudyDescription, Model) {
        let model = try Model(spec: .logisticRegression, inputShape: data[0].train.exampleShape, task: .binary, seed: configuration.seed)
        return (
            StudyDescription(
                studyID: configuration.studyID, model: .logisticRegression, seed: configuration.seed,
                exampleShape: data[0].train.exampleShape, task: .binary, parameterCount: model.parameterCount,
                schemaSHA256: nil, rounds: configuration.rounds), model
        )
    }

    @Test(
        "the deployed study ends with the same bits as the in-process simulation, vectors over gRPC or the vector lane",
        arguments: [false, true])
    func sameAsSimulation(vectorLane: Bool) async throws {
        let data = SyntheticSites.make(Self.names, rows: 40, seed: 7)
        let configuration = try SyntheticSites.configuration(studyID: "synthetic", rounds: 3, deadline: 30, sites: data.count)
        let simulated = try await Simulation(
            sites: data, model: .logisticRegression, strategy: .fedAvg,
            configuration: configuration
        ).run()

        let (study, model) = try Self.description(for: data, configuration: configuration)
        let deployment = try await InProcessDeployment.start(
            sites: Self.names, study: study, minimumSites: data.count,
            vectorLane: vectorLane)
        #expect((deployment.laneAddress != nil) == vectorLane)
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        var agents: [Task<SiteAgent.Finish, any Error>] = []
        for site in data {
            let worker = FederatedSiteWorker(data: site, stateDirectory: state.path(site.name))
            let agent = try deployment.agent(site.name, worker: worker)
            agents.append(Task { try await agent.run() })
        }
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(), initialParameters: model.parameters,
            layout: model.layout, transport: deployment.server.transport)
        let outcome = try await coordinator.run()
        await deployment.server.finishStudy(id: study.studyID, rounds: outcome.rounds.count, modelChecksum: "x")
        for agent in agents { _ = try await agent.value }
        await deployment.stop()

        #expect(outcome.finalParameters == simulated.finalParameters)
        #expect(outcome.rounds.allSatisfy { $0.contributors.count == data.count })
        #expect(outcome.finalEvaluation?.sites.map(\.metrics) == simulated.finalEvaluation?.sites.map(\.metrics))
        // After the last round the sites also return their validation statistics, bit for bit.
        let validation = outcome.finalEvaluation?.sites.compactMap(\.validation) ?? []
        #expect(validation.count == data.count)
        #expect(validation == simulated.finalEvaluation?.sites.compactMap(\.validation))
        // Every update came the way the coordinator offered, none refused.
        let received = deployment.lines.all.filter { $0.contains("update-received") }
        #expect(received.count == configuration.rounds * data.count)
        #expect(received.allSatisfy { $0.contains(vectorLane ? "via=lane" : "via=grpc") })
        #expect(!deployment.lines.contains("answer-rejected"))
    }
}
