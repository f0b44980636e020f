import ArgumentParser
import Foundation
import Studies
import Validation

/// `cohort report validation`: does the model deserve trust, at every site and for every
/// patient group? Per-site and pooled discrimination, calibration and clinical usefulness
/// with intervals, patient groups and the gaps between them, leave-one-site-out, and a model
/// card, as validation.html and validation.json (contract: docs/validation-json.md).
struct ValidationReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validation",
        abstract: "Write the clinical validation report of a study's final model (HTML and JSON).",
        discussion: """
            A simulated study: cohort simulate --output run.json saves the final model beside it \
            (run.model.json); --run run.json reads that model and the sites' data again, lets each site \
            score it on its test rows, and trains the study once more without each site in turn \
            (leave-one-site-out). A deployed study: --database coordinator.sqlite reads the score \
            histograms the sites returned after the last round and the model the coordinator saved \
            beside its database (coordinator.model.json).

            Sites return only score histograms (1,000 bins of the predicted probability per class and \
            patient group); every figure is computed from them, pooled ones from their sums. \
            Thresholds and patient groups come from the study's validation_thresholds and \
            validation_subgroups keys, or --threshold and --subgroup. Groups with fewer than 11 \
            patients are reported as too small. The same inputs give the same report, byte for byte \
            (except leave-one-site-out under DP with secure noise, which the report says).
            """)

    @Option(help: "A simulated study's run.json (cohort simulate --output); its model is the run.model.json beside it.")
    var run: String?

    @Option(help: "A deployed study's coordinator database; its model is the .model.json the coordinator wrote beside it.")
    var database: String?

    @Option(help: "The model file, where it is not beside run.json or the database.")
    var model: String?

    @Option(help: "The folder to write validation.html and validation.json to (created if missing).")
    var out: String

    @Option(
        name: .customLong("threshold"),
        help: "An operating threshold (a probability in (0, 1), a multiple of 0.001); repeat for several. Default: the study's validation_thresholds, else 0.5."
    )
    var thresholds: [Double] = []

    @Option(
        name: .customLong("subgroup"),
        help:
            "A patient attribute to group by: sex, age_band, race, ethnicity; repeat for several. Default: the study's validation_subgroups, else every attribute the data records."
    )
    var subgroups: [String] = []

    @Flag(name: .customLong("skip-leave-one-site-out"), help: "Do not retrain the study without each site (simulated studies).")
    var skipLeaveOneSiteOut = false

    @Option(
        name: .customLong("export-predictions"),
        help:
            "Also write every test row's label, logit, probability, bin and groups as CSV (simulated studies, for checking the statistics with other software)."
    )
    var exportPredictions: String?

    func run() async throws {
        guard (run == nil) != (database == nil) else {
            throw CohortError("give either --run run.json (a simulated study) or --database coordinator.sqlite (a deployed study)")
        }
        let saved = try SavedModel.read(model ?? SavedModel.path(beside: run ?? database!))
        let choose = ValidationChoices(thresholds: thresholds, subgroups: subgroups)
        let evidence: ValidationEvidence
        if let run {
            try Self.checkSameRun(run, saved: saved)
            evidence = try await ValidationEvidence.simulated(saved, settings: choose, leaveOneSiteOut: !skipLeaveOneSiteOut)
        } else {
            guard exportPredictions == nil else {
                throw CohortError("--export-predictions applies to simulated studies: a deployed study's rows never leave their sites")
            }
            evidence = try ValidationEvidence.deployed(database: database!, saved: saved, settings: choose)
        }
        let report: ValidationReport
        do { report = try ValidationReport(evidence.inputs) } catch {
            throw CohortError(error.message)
        }
        let folder = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try ValidationReportJSON.document(report).encoded().write(to: folder.appendingPathComponent("validation.json"), options: .atomic)
            try Data(ValidationHTML.render(report).utf8).write(to: folder.appendingPathComponent("validation.html"), options: .atomic)
        } catch {
            throw CohortError("cannot write the report to \(out): \(error.localizedDescription)")
        }
        if let exportPredictions, let rows = evidence.rows {
            try PredictionExport.write(study: rows.study, data: rows.data, parameters: rows.parameters, to: exportPredictions)
        }
        for statement in report.statements { print("note: \(statement)") }
        print("wrote \(folder.appendingPathComponent("validation.html").path) and validation.json")
    }

    /// The report's thresholds and groups: the options given, else the study's keys.
    struct ValidationChoices {
        var thresholds: [Double]
        var subgroups: [String]

        /// Errors name the option, or the study key, that holds the bad value.
        func settings(for study: ResolvedStudy) throws -> ValidationSettings {
            do {
                return try study.validationSettings(
                    thresholds: thresholds.isEmpty ? nil : thresholds,
                    subgroups: subgroups.isEmpty ? nil : subgroups)
            } catch {
                let groups = error.key == "validation_subgroups"
                let given = groups ? !subgroups.isEmpty : !thresholds.isEmpty
                let source = given ? (groups ? "--subgroup" : "--threshold") : "the study's \(error.key ?? "validation settings")"
                throw CohortError("\(source): \(error.message)")
            }
        }
    }

    /// run.json and the model file must come from the same run.
    static func checkSameRun(_ run: String, saved: SavedModel) throws {
        guard let data = FileManager.default.contents(atPath: run),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw CohortError("--run \(run): cannot read it as a run.json")
        }
        let checksum = (document["final"] as? [String: Any])?["model_checksum"] as? String
        guard checksum == saved.modelChecksum else {
            throw CohortError("--run \(run) records model \(checksum ?? "none"), the model file holds \(saved.modelChecksum): they are from different runs")
        }
    }
}
