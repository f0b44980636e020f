import CohortTestSupport
import Foundation
import Testing

/// `cohort simulate --secure-aggregation`, as a user runs it.
@Suite(.serialized) struct SecureAggregationCommandTests {
    func report(_ arguments: [String], name: String) throws -> [String: Any] {
        let path = CohortBinary.temporaryPath(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try CohortBinary.run(["simulate", "--output", path] + arguments)
        #expect(output.status == 0, "stderr: \(output.standardError)")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aSecureStudyReachesThePlainAccuracy() throws {
        let plain = try report(["--rounds", "5"], name: "secagg-plain.json")
        let secure = try report(["--rounds", "5", "--secure-aggregation"], name: "secagg-secure.json")
        let config = try #require(secure["config"] as? [String: Any])
        #expect(config["secure_aggregation"] as? Bool == true)
        let rounds = try #require(secure["rounds"] as? [[String: Any]])
        #expect(rounds.count == 5)
        let plainFinal = try #require(plain["final"] as? [String: Any])
        let secureFinal = try #require(secure["final"] as? [String: Any])
        #expect(secureFinal["pooled_test_accuracy"] as? Double == plainFinal["pooled_test_accuracy"] as? Double)
        #expect(secureFinal["average_client_accuracy"] as? Double == plainFinal["average_client_accuracy"] as? Double)
    }

    @Test(arguments: [
        (["--strategy", "krum"], "the krum rule needs each site's own update"),
        (["--strategy", "median"], "the median rule needs each site's own update"),
        (["--strategy", "scaffold"], "scaffold needs each site's control-variate delta"),
        (["--norm-bound", "1"], "the norm-bounded mean rule needs each site's own update")
    ])
    func conflictsAreRefusedInOneLineNamingTheFix(arguments: [String], problem: String) throws {
        let output = try CohortBinary.run(["simulate", "--secure-aggregation", "--quiet"] + arguments)
        #expect(output.status != 0)
        let lines = output.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(output.standardError.contains(problem), "stderr: \(output.standardError)")
        #expect(output.standardError.contains("turn secure aggregation off"))
    }
}
