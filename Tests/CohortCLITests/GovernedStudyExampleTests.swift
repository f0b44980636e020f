import CohortTestSupport
import Foundation
import Testing

/// `examples/governed-study/run.sh`, run as a user runs it: provision, steward approvals,
/// coordinator and three site processes on 127.0.0.1, trails verified, compliance report.
@Suite struct GovernedStudyExampleTests {
    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/governed-study/run.sh")
    }

    @Test func theGovernedExampleRunsEndToEnd() throws {
        let out = CohortBinary.temporaryPath("governed-example")
        try? FileManager.default.removeItem(atPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path, out]
        process.environment = ProcessInfo.processInfo.environment.merging(["COHORT": try CohortExecutable.required().path]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(log.suffix(3000))")
        for site in ["cleveland", "hungarian", "va"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/sites/\(site)/audit/\(site).audit.jsonl"))
        }
        #expect(FileManager.default.fileExists(atPath: "\(out)/coordinator/audit/coordinator.audit.jsonl"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/compliance.json"))) as? [String: Any]
        #expect(report?["all_trails_intact"] as? Bool == true)
        let sites = report?["sites"] as? [[String: Any]] ?? []
        #expect(sites.compactMap { $0["name"] as? String }.sorted() == ["cleveland", "hungarian", "va"])
        #expect(sites.allSatisfy { ($0["updates"] as? [Any])?.count == 5 })
    }
}
