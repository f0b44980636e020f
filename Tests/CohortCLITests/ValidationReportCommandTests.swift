import CohortTestSupport
import Foundation
import Testing

/// `cohort report validation` on the four heart-disease hospitals, as a user runs it.
@Suite(.serialized) struct ValidationReportCommandTests {
    /// A fresh folder holding run.json and run.model.json of the default study.
    static func simulated(_ name: String, extra: [String] = []) throws -> String {
        let folder = CohortBinary.temporaryPath(name)
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let run = try CohortBinary.run(["simulate", "--quiet", "--output", "\(folder)/run.json"] + extra)
        #expect(run.status == 0, "\(run.standardError)")
        return folder
    }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func heartDiseaseReportPerSitePooledGroupsAndLeaveOneSiteOut() throws {
        let folder = try Self.simulated("validation-heart")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/run.model.json"))
        let made = try CohortBinary.run([
            "report", "validation", "--run", "\(folder)/run.json", "--out", "\(folder)/report",
            "--threshold", "0.3", "--threshold", "0.5"
        ])
        #expect(made.status == 0, "\(made.standardError)")
        let report = try Self.json("\(folder)/report/validation.json")
        let sites = try #require(report["sites"] as? [[String: Any]])
        #expect(sites.compactMap { $0["site"] as? String } == ["cleveland", "hungarian", "switzerland", "va"])
        let pooled = try #require(report["pooled"] as? [String: Any])
        #expect(pooled["size"] as? Int == 254)
        for scope in sites + [pooled] {
            let name = scope["site"] as? String ?? ""
            let auroc = try #require(scope["auroc"] as? [String: Any], "\(name)")
            let estimate = try #require(auroc["estimate"] as? Double)
            if name == "switzerland" {
                // 15 of its 16 test patients have the outcome: the area, but no DeLong interval.
                #expect(auroc["ci_low"] is NSNull && auroc["ci_high"] is NSNull)
                #expect((scope["not_estimable"] as? [String: String])?["auroc"]?.contains("two patients of each class") == true)
            } else {
                let low = try #require(auroc["ci_low"] as? Double), high = try #require(auroc["ci_high"] as? Double)
                #expect(low <= estimate && estimate <= high)
            }
            #expect(scope["calibration_slope"] is [String: Double])
            #expect(scope["calibration_intercept"] is [String: Double])
        }
        let groups = try #require(pooled["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["attribute"] as? String }) == ["sex", "age_band"])
        #expect(groups.contains { $0["value"] as? String == "female" && $0["auroc"] is [String: Double] })
        let heldOut = try #require(report["leave_one_site_out"] as? [String: Any])
        #expect(heldOut["available"] as? Bool == true)
        let left = try #require(heldOut["sites"] as? [[String: Any]])
        #expect(left.count == 4)
        #expect(left.allSatisfy { ($0["trained_on"] as? [String])?.count == 3 })
        let card = try #require(report["model_card"] as? [String: Any])
        #expect(card["training_plan_hash"] is String)
        #expect(card["schema_hash"] as? String == "benchmark:uci-heart-disease/flamby-13-features")
        let html = try String(contentsOfFile: "\(folder)/report/validation.html", encoding: .utf8)
        for figure in ["ROC curves", "Calibration: pooled", "Decision curve: pooled", "Forest plot of AUROC"] {
            #expect(html.contains(figure), "\(figure)")
        }
    }

    @Test func theSameModelAndDataGiveTheSameReportByteForByte() throws {
        let folder = try Self.simulated("validation-bytes")
        for out in ["a", "b"] {
            let made = try CohortBinary.run(["report", "validation", "--run", "\(folder)/run.json", "--out", "\(folder)/\(out)"])
            #expect(made.status == 0, "\(made.standardError)")
        }
        for file in ["validation.json", "validation.html"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/a/\(file)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/b/\(file)"))
            #expect(a == b, "\(file) differs between two reports of the same inputs")
        }
    }

    @Test func badInputIsRefusedOrStated() throws {
        let folder = try Self.simulated("validation-bad")
        let run = "\(folder)/run.json"
        let outside = try CohortBinary.run(["report", "validation", "--run", run, "--out", "\(folder)/r", "--threshold", "1.5"])
        #expect(outside.status != 0)
        #expect(outside.standardError.contains("--threshold: threshold 1.5 is outside (0, 1)"), "\(outside.standardError)")
        let unknown = try CohortBinary.run(["report", "validation", "--run", run, "--out", "\(folder)/r", "--subgroup", "income"])
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("unknown patient attribute 'income'"), "\(unknown.standardError)")
        // An attribute the data does not carry: a statement, not an empty group.
        let race = try CohortBinary.run([
            "report", "validation", "--run", run, "--out", "\(folder)/race", "--subgroup", "sex",
            "--subgroup", "race", "--skip-leave-one-site-out"
        ])
        #expect(race.status == 0, "\(race.standardError)")
        let report = try Self.json("\(folder)/race/validation.json")
        #expect((report["statements"] as? [String])?.contains { $0.hasPrefix("race: no site's data records race") } == true)
        let html = try String(contentsOfFile: "\(folder)/race/validation.html", encoding: .utf8)
        let words = Set(html.split { !$0.isLetter }.map { $0.lowercased() })
        #expect(words.isDisjoint(with: ["nan", "inf", "infinity"]), "a non-number printed in the report")
        // A model file from another run is refused.
        let other = try Self.simulated("validation-other", extra: ["--seed", "7"])
        let mixed = try CohortBinary.run(["report", "validation", "--run", run, "--model", "\(other)/run.model.json", "--out", "\(folder)/m"])
        #expect(mixed.status != 0)
        #expect(mixed.standardError.contains("from different runs"), "\(mixed.standardError)")
    }
}
