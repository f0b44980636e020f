import CohortTestSupport
import Foundation
import Testing

/// A deployed study with `secure_aggregation: true`: real `cohort coordinator` and `cohort site`
/// processes on 127.0.0.1 over mutual TLS. Sites keep their updates, answer the SecAgg+ stages
/// as tasks they pull, and the study ends where `cohort simulate --secure-aggregation` ends.
@Suite("Secure aggregation in processes", .serialized)
struct SecureAggregationDeploymentTests {
    static let study = [
        "id: heart", "dataset: heart-disease", "strategy: fedavg", "rounds: 15", "seed: 42",
        "sites: [cleveland, hungarian, switzerland, va]", "round_deadline_seconds: 60", "secure_aggregation: true"
    ]

    static func final(_ url: URL) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        return json["final"] as? [String: Any] ?? [:]
    }

    @Test("a secure study over mutual TLS reaches the accuracy of cohort simulate --secure-aggregation")
    func secureStudy() async throws {
        let harness = try ProcessHarness("secagg")
        defer { harness.remove() }
        let (coordinator, status, output) = try await harness.runHeartStudy(Self.study)
        #expect(status == 0, "\(coordinator.errors)")
        let deployed = try ProcessHarness.result(output)
        #expect(deployed.rounds.count == 15)
        #expect(deployed.rounds.allSatisfy { ($0["contributors"] as? [String])?.count == 4 })

        // Sites draw their secret randomness from the OS (never from the public study seed), so
        // the stochastic rounding differs from the simulation's: the models agree within the
        // quantization error (about 1e-7 per parameter here), which leaves every prediction, and
        // so every accuracy, the same.
        let simulated = harness.directory.path("simulate-secure.json")
        let result = try await CohortProcess.run(
            ["simulate", "--quiet", "--secure-aggregation", "--output", simulated.path],
            in: harness.directory.url)
        #expect(result.status == 0, "\(result.errors)")
        let deployedFinal = try Self.final(output)
        let simulatedFinal = try Self.final(simulated)
        let average = try #require(deployedFinal["average_client_accuracy"] as? Double)
        #expect(average == simulatedFinal["average_client_accuracy"] as? Double)
        #expect(deployedFinal["weighted_client_accuracy"] as? Double == simulatedFinal["weighted_client_accuracy"] as? Double)
        for site in harness.processes.dropFirst() {
            #expect(await site.wait(seconds: 30) == 0, "\(site.name): \(site.errors)")
        }
    }
}
