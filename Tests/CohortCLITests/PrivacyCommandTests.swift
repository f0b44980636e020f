import CohortTestSupport
import Foundation
import Testing

/// The privacy commands and DP options through the real binary.
@Suite struct PrivacyCommandTests {
    func json(_ arguments: [String]) throws -> [String: Any] {
        let output = try CohortBinary.run(arguments)
        #expect(output.status == 0, "stderr: \(output.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
    }

    @Test func epsilonAndNoiseAreInverse() throws {
        // Opacus's accountant test: q 0.04, sigma 1.5, 2250 steps, delta 1e-5 (about 7.33).
        let spent = try json(["privacy", "epsilon", "--noise-multiplier", "1.5", "--sample-rate", "0.04", "--steps", "2250", "--delta", "1e-5", "--json"])
        let epsilon = try #require(spent["epsilon"] as? Double)
        #expect(abs(epsilon - 7.33) < 0.01)
        #expect(spent["order"] is Double)
        #expect(spent["delta"] as? Double == 1e-5)
        let noise = try json(["privacy", "noise", "--epsilon", "\(epsilon)", "--sample-rate", "0.04", "--steps", "2250", "--delta", "1e-5", "--json"])
        let sigma = try #require(noise["noise_multiplier"] as? Double)
        #expect(abs(sigma - 1.5) < 1e-4)
    }

    @Test(arguments: [
        (["--noise-multiplier", "0", "--sample-rate", "0.1", "--steps", "10", "--delta", "1e-5"], "--noise-multiplier"),
        (["--noise-multiplier", "1", "--sample-rate", "1.5", "--steps", "10", "--delta", "1e-5"], "--sample-rate"),
        (["--noise-multiplier", "1", "--sample-rate", "0.1", "--steps", "10", "--delta", "1"], "--delta"),
        (["--noise-multiplier", "1", "--sample-rate", "0.1", "--steps", "0", "--delta", "1e-5"], "--steps")
    ])
    func badEpsilonInputNamesTheFlag(arguments: [String], flag: String) throws {
        let output = try CohortBinary.run(["privacy", "epsilon"] + arguments)
        #expect(output.status != 0)
        #expect(output.standardError.split(separator: "\n").count == 1)
        #expect(output.standardError.contains(flag), "stderr: \(output.standardError)")
    }

    @Test func aDPStudySpendsTheTargetAtEverySiteAndKeepsLedgers() throws {
        let ledgers = CohortBinary.temporaryPath("ledgers")
        let path = CohortBinary.temporaryPath("dp.json")
        defer {
            try? FileManager.default.removeItem(atPath: ledgers)
            try? FileManager.default.removeItem(atPath: path)
        }
        let output = try CohortBinary.run(["simulate", "--quiet", "--rounds", "3", "--dp-epsilon", "2", "--ledger-dir", ledgers, "--output", path])
        #expect(output.status == 0, "stderr: \(output.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let privacy = try #require(report["privacy"] as? [String: Any])
        let sites = try #require(privacy["sites"] as? [[String: Any]])
        #expect(sites.count == 4)
        for site in sites {
            let epsilon = try #require(site["epsilon"] as? Double)
            #expect(epsilon <= 2 && epsilon > 1.99)
            #expect(site["rounds_charged"] as? Int == 3)
            #expect(FileManager.default.fileExists(atPath: site["ledger"] as? String ?? ""))
        }
        // The ledger persists: a second study at the same sites is refused, nothing spent.
        let again = try CohortBinary.run([
            "simulate", "--quiet", "--rounds", "1", "--dp-epsilon", "2", "--privacy-budget", "2",
            "--ledger-dir", ledgers, "--min-sites", "1"
        ])
        #expect(again.standardError.contains("refused the round"))
        let ledger = try String(contentsOfFile: "\(ledgers)/va.privacy-ledger.jsonl", encoding: .utf8)
        #expect(ledger.split(separator: "\n").count == 4)  // header + the 3 rounds of the first study
    }

    @Test func contradictoryPrivacyOptionsAreRefused() throws {
        for (arguments, needle) in [
            (["--dp-epsilon", "1", "--dp-noise", "1"], "--dp-epsilon"),
            (["--dp-epsilon", "-1"], "--dp-epsilon"),
            (["--privacy-budget", "3"], "--privacy-budget"),
            (["--dp-epsilon", "1", "--dp-delta", "2"], "--dp-delta"),
            (["--strategy", "median", "--central-dp-noise", "0.1"], "--central-dp-noise")
        ] {
            let output = try CohortBinary.run(["simulate"] + arguments)
            #expect(output.status != 0)
            #expect(output.standardError.contains(needle), "stderr: \(output.standardError)")
        }
    }
}
