import Federation
import Foundation
import Learning
import Studies
import Validation

/// `--export-predictions`: every test row's label, logit, probability, bin and patient
/// groups, as CSV, for checking Cohort's statistics with other software
/// (scripts/check_validation.py). Row-level, so for a simulation on the machine that holds
/// all the data; a deployed study's rows never leave their sites, and this does not exist
/// there.
enum PredictionExport {
    static func write(study: ResolvedStudy, data: StudyData, parameters: [Float], to path: String) throws {
        let model = try study.initialModel()
        model.parameters = parameters
        let attributes = PatientAttribute.allCases
        var lines = ["site,row,label,logit,probability,bin," + attributes.map(\.rawValue).joined(separator: ",")]
        for site in data.sites {
            let logits = model.logits(for: site.test)
            for row in 0..<site.test.count {
                let logit = Double(logits[row])
                let probability = 1 / (1 + exp(-logit))
                let groups = attributes.map { site.testAttributes?.values[$0]?[row] ?? "" }
                lines.append(
                    "\(site.name),\(row),\(Int(site.test.labels[row])),\(exact(logit)),\(exact(probability)),"
                        + "\(ScoreHistogram.bin(of: probability, binCount: ValidationStatistics.defaultBinCount)),"
                        + groups.joined(separator: ","))
            }
        }
        do { try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw CohortError("cannot write --export-predictions \(path): \(error.localizedDescription)")
        }
    }

    /// Seventeen significant digits: the double read back is the double written.
    private static func exact(_ value: Double) -> String { String(format: "%.17g", value) }
}
