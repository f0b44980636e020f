import CohortTestSupport
import Foundation
import Testing

/// From raw hospital exports to a federated study: `cohort data prepare` writes one prepared
/// dataset per hospital, `cohort simulate --study --sites` trains on them.
@Suite struct PreparedStudyTests {
    @Test func theHeartExportsTrainThroughTheGenericCSVPath() throws {
        let folder = CohortBinary.temporaryPath("prepared-heart")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let raw = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Datasets/Resources/uci-heart-disease")
        let files = ["cleveland", "hungarian", "switzerland", "va"].map { raw.appendingPathComponent("processed.\($0).data").path }
        let prepare = try CohortBinary.run(
            ["data", "prepare", "--study", "uci-heart-disease", "--csv"] + files
                + ["--mapping", "uci-heart-disease-processed", "--split-by", "file", "--output", folder, "--quiet"])
        #expect(prepare.status == 0, "stderr: \(prepare.standardError)")
        let sites = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasSuffix(".json") }.sorted()
        #expect(sites.count == 4)
        let output = CohortBinary.temporaryPath("prepared-heart.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try CohortBinary.run([
            "simulate", "--study", "uci-heart-disease", "--sites", sites.map { "\(folder)/\($0)" }.joined(separator: ","),
            "--rounds", "5", "--lr", "0.01", "--quiet", "--output", output
        ])
        #expect(run.status == 0, "stderr: \(run.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let final = try #require(report["final"] as? [String: Any])
        #expect((final["sites"] as? [Any])?.count == 4)
        #expect((final["average_client_accuracy"] as? Double ?? 0) > 0.6)
    }

    @Test func aStudyNeedsItsSitesAndMatchingFiles() throws {
        let missing = try CohortBinary.run(["simulate", "--study", "uci-heart-disease"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("--sites"))
        let absent = try CohortBinary.run(["simulate", "--study", "uci-heart-disease", "--sites", "/nonexistent/a,/nonexistent/b"])
        #expect(absent.status != 0)
        #expect(absent.standardError.contains("/nonexistent/a"))
    }
}
