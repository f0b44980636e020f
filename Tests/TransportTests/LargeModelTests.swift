import Federation
import Foundation
import Learning
import Testing

@testable import Transport

@Suite("Large models travel in chunks", .serialized)
struct LargeModelTests {
    @Test(
        "a 300 MB model goes out and its 300 MB update comes back, bit for bit, over mutual TLS (gRPC, then the vector lane)",
        arguments: [false, true])
    func threeHundredMegabytes(vectorLane: Bool) async throws {
        let count = 75_000_000  // 300 MB of float32
        let layout = ParameterLayout([(name: "weights", shape: [count])])
        var initial = [Float](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: 9_973) { initial[index] = Float(index % 1_000) / 1_000 }
        let delta = [Float](repeating: 0.25, count: count)
        let configuration = StudyConfiguration(
            studyID: "large", rounds: 1, selection: try SiteSelection(minimumSites: 1),
            training: TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1)),
            evaluateEvery: 0, roundDeadlineSeconds: 600, seed: 1)
        let study = StudyDescription(
            studyID: "large", model: .logisticRegression, seed: 1, exampleShape: Shape([1]), task: .binary,
            parameterCount: count, schemaSHA256: nil, rounds: 1)
        // Moving 600 MB through TLS on a loaded two-core machine can hold up a heartbeat for
        // seconds: this test is about the bytes, so the coordinator waits a minute of silence
        // (not the usual 5 s) before it gives the site up.
        var limits = InProcessDeployment.fastLimits
        limits.missedHeartbeats = 300
        let deployment = try await InProcessDeployment.start(
            sites: ["big"], study: study, minimumSites: 1, deadline: 600, limits: limits,
            vectorLane: vectorLane)
        let worker = SyntheticWorker(delta: delta, exampleShape: Shape([1]), keepsParameters: true)
        let agent = try deployment.agent("big", worker: worker)
        let site = Task { try await agent.run() }
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(), initialParameters: initial,
            layout: layout, transport: deployment.server.transport)
        let outcome = try await coordinator.run()
        await deployment.server.finishStudy(id: "large", rounds: 1, modelChecksum: "-")
        _ = try await site.value
        await deployment.stop()

        #expect(outcome.rounds[0].contributors == ["big"])
        let final = outcome.finalParameters
        #expect(final.count == count)
        // FedAvg with one site: the model moved by exactly the site's update.
        let moved = stride(from: 0, to: count, by: 9_973).filter { final[$0] != initial[$0] + 0.25 }
        #expect(moved.isEmpty, "\(moved.count) sampled values did not move by exactly the update, first at \(moved.first ?? -1)")
        #expect(final[count - 1] == 0.25)
        #expect(deployment.lines.contains("update-received site=big round=1"))
        #expect(deployment.lines.contains(vectorLane ? "via=lane" : "via=grpc"))
    }
}
