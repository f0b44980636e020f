import CohortTestSupport
import Foundation
import Testing

/// A simulated study keeps a signed trail at the coordinator and at every site; `cohort audit
/// verify` accepts them, and notices when one byte of a site's trail is changed.
@Suite struct AuditTrailCommandTests {
    @Test func aStudysTrailsVerifyAndATamperedOneDoesNot() throws {
        let folder = CohortBinary.temporaryPath("audit")
        let plan = CohortBinary.temporaryPath("plan.json")
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: plan)
        }
        let run = try CohortBinary.run(["simulate", "--rounds", "2", "--quiet", "--audit-dir", folder, "--write-plan", plan])
        #expect(run.status == 0, "stderr: \(run.standardError)")
        for name in ["coordinator", "cleveland", "hungarian", "switzerland", "va"] {
            let verify = try CohortBinary.run([
                "audit", "verify", "--trail", "\(folder)/\(name).audit.jsonl",
                "--public-key", "\(folder)/\(name).key.pub"
            ])
            #expect(verify.status == 0, "\(name): \(verify.standardOutput) \(verify.standardError)")
        }
        let planText = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(planText.contains("\"learning_rate\":0.001"))
        let coordinator = try String(contentsOfFile: "\(folder)/coordinator.audit.jsonl", encoding: .utf8)
        #expect(coordinator.contains("study_created"))
        #expect(coordinator.components(separatedBy: "round_started").count - 1 == 2)

        // One digit of a site's update record changes: the chain breaks there.
        let path = "\(folder)/va.audit.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.contains("update_sent") })
        let bytes = try #require(lines[index].range(of: "\"bytes\":"))
        var line = lines[index]
        let digit = line.index(bytes.upperBound, offsetBy: 0)
        line.replaceSubrange(digit...digit, with: line[digit] == "9" ? "8" : "9")
        lines[index] = line
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let tampered = try CohortBinary.run(["audit", "verify", "--trail", path, "--public-key", "\(folder)/va.key.pub"])
        #expect(tampered.status != 0)
        #expect((tampered.standardOutput + tampered.standardError).contains("entry \(index + 1)"))
    }
}
