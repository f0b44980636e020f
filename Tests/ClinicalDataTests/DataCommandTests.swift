import CohortTestSupport
import Foundation
import Testing

@testable import ClinicalData

/// `cohort data ...` as a user runs it: the built binary, next to the test bundle.
struct DataCommandTests {
    static var hasBinary: Bool { CohortBinary.url != nil }

    private func run(_ arguments: [String]) throws -> CohortBinary.Output {
        try CohortBinary.run(["data"] + arguments)
    }

    private var heartArguments: [String] {
        ["--study", "uci-heart-disease", "--csv"] + TestData.heartFiles.map(\.path) + ["--mapping", "uci-heart-disease-processed"]
    }

    @Test(.enabled(if: hasBinary, "the cohort binary is not built next to the tests"))
    func checkWritesTheLocalAndSharedReports() throws {
        try TestData.withScratchDirectory { folder in
            let json = folder.appendingPathComponent("report.json").path
            let html = folder.appendingPathComponent("report.html").path
            let shared = folder.appendingPathComponent("shared.json").path
            let result = try run(["check"] + heartArguments + ["--output", json, "--html", html, "--shared", shared])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.contains("920 read, 740 kept"))
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
            let patients = report["patients"] as! [String: Any]
            #expect(patients["read"] as? Int == 920 && patients["kept"] as? Int == 740)
            #expect((report["errors"] as? [Any])?.isEmpty == true)
            #expect(report["unused_columns"] != nil)
            let page = try String(contentsOfFile: html, encoding: .utf8)
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("&lt;11"))
            let sharedText = try String(contentsOfFile: shared, encoding: .utf8)
            #expect(sharedText.contains("\"<11\""))
        }
    }

    @Test(.enabled(if: hasBinary, "the cohort binary is not built next to the tests"))
    func errorsListFileResourceAndReason() throws {
        try TestData.withScratchDirectory { folder in
            let json = folder.appendingPathComponent("report.json").path
            // Three DSTU2/STU3 shapes and a unit no study conversion reads (the clean fixtures read without one).
            let result = try run([
                "check", "--study", "synthea-cardiovascular", "--fhir", TestData.fixture("fhir-bad/mixed-versions.json").path,
                "--output", json
            ])
            #expect(result.status == 0, "\(result.standardError)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
            let errors = try #require(report["errors"] as? [[String: Any]])
            #expect(errors.count == 4)
            #expect(errors.allSatisfy { $0["file"] is String && $0["resource"] is String && $0["reason"] is String })
        }
    }

    @Test(.enabled(if: hasBinary, "the cohort binary is not built next to the tests"))
    func prepareSplitsIntoSiteFoldersSimulateCanRead() throws {
        try TestData.withScratchDirectory { folder in
            let result = try run(["prepare"] + heartArguments + ["--split-by", "file", "--output", folder.path, "--quiet"])
            #expect(result.status == 0, "\(result.standardError)")
            let names = ["cleveland", "hungarian", "switzerland", "va"]
            for name in names {
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name)/dataset.csv").path))
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name)/report.html").path))
            }
            let sites = try PreparedSites.load(names.map { folder.appendingPathComponent($0).path }, study: try TestData.heart(), seed: 42)
            #expect(sites.map { $0.train.count + $0.test.count } == [303, 261, 46, 130])
            #expect(try SiteSummary.load(from: folder.appendingPathComponent("federation.json")).sites == names)
        }
    }

    @Test(.enabled(if: hasBinary, "the cohort binary is not built next to the tests"))
    func summarizeCombineThenPrepareWithFederatedStatistics() throws {
        try TestData.withScratchDirectory { folder in
            var summaries = [String]()
            for (name, file) in zip(["cleveland", "va"], [TestData.heartFiles[0], TestData.heartFiles[3]]) {
                let path = folder.appendingPathComponent("\(name).json").path
                let result = try run([
                    "summarize", "--study", "uci-heart-disease", "--csv", file.path, "--mapping", "uci-heart-disease-processed",
                    "--site", name, "--output", path
                ])
                #expect(result.status == 0, "\(result.standardError)")
                summaries.append(path)
            }
            let federation = folder.appendingPathComponent("federation.json").path
            let combined = try run(["combine", "--study", "uci-heart-disease"] + summaries + ["--output", federation])
            #expect(combined.status == 0, "\(combined.standardError)")
            #expect(combined.standardOutput.contains("combined 2 sites"))
            let output = folder.appendingPathComponent("va").path
            let prepared = try run([
                "prepare", "--study", "uci-heart-disease", "--csv", TestData.heartFiles[3].path,
                "--mapping", "uci-heart-disease-processed", "--site", "va", "--statistics", federation,
                "--output", output, "--quiet"
            ])
            #expect(prepared.status == 0, "\(prepared.standardError)")
            let dataset = try PreparedDataset.load(from: URL(fileURLWithPath: output))
            #expect(dataset.statisticsSource == "federated over 2 sites: cleveland, va")
            #expect(dataset.data.count == 130)
        }
    }

    @Test(.enabled(if: hasBinary, "the cohort binary is not built next to the tests"))
    func benchReportsThroughputAndMemory() throws {
        let result = try run(["bench", "--fhir", TestData.fixture("fhir").path, "--repeat", "3", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: Any]
        #expect(json["patients_read"] as? Int == 12)
        #expect(json["files"] as? Int == 12)
        #expect((json["megabytes_per_second"] as? Double ?? 0) > 0)
        #expect((json["peak_rss_bytes"] as? Int ?? 0) > 0)
    }

    @Test(.enabled(if: hasBinary, "the cohort binary is not built next to the tests"))
    func fatalProblemsStopWithOneLine() throws {
        let cases: [([String], String)] = [
            (["check", "--study", "no-such-study", "--fhir", TestData.fixture("fhir").path], "no shipped study"),
            (["check", "--study", "uci-heart-disease", "--csv", TestData.heartFiles[0].path], "--csv needs --mapping"),
            (["check", "--study", "synthea-cardiovascular"], "name the export"),
            (["check", "--study", "synthea-cardiovascular", "--fhir", "/nonexistent/fhir"], "not found"),
            (["check", "--study", "synthea-cardiovascular", "--fhir", TestData.fixture("fhir-bad/not-json.json").path], "no patients left"),
            (
                ["prepare", "--study", "synthea-cardiovascular", "--fhir", TestData.fixture("fhir").path, "--output", "/tmp/x", "--split-by", "planet"],
                "unknown --split-by"
            )
        ]
        for (arguments, message) in cases {
            let result = try run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.hasPrefix("cohort: error: "), "\(result.standardError)")
            #expect(result.standardError.contains(message), "\(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        }
    }
}
