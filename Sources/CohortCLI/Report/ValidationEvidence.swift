import Compliance
import Federation
import Foundation
import Learning
import Persistence
import Studies
import Validation

/// The inputs of a validation report, gathered where they are: for a simulated study, by
/// reading the sites' data again and letting each site score the saved model (and, for
/// leave-one-site-out, training the study again without it); for a deployed study, from the
/// validation statistics the sites returned after the last round, kept in the coordinator's
/// database.
struct ValidationEvidence {
    var inputs: ValidationInputs
    /// Simulation only: the rows and model, for `--export-predictions`.
    var rows: (study: ResolvedStudy, data: StudyData, parameters: [Float])?

    /// A simulated study: the saved model and its data provenance.
    static func simulated(
        _ saved: SavedModel, settings choose: ValidationReportCommand.ValidationChoices,
        leaveOneSiteOut: Bool
    ) async throws -> ValidationEvidence {
        guard let provenance = saved.data else {
            throw CohortError("this model file is from a deployed study: give the coordinator's database with --database")
        }
        let specification = saved.study
        let seed = specification.seed ?? StudySpecification.defaultSeed
        let data: StudyData
        if let prepared = provenance.preparedSites {
            data = try StudyData.loadPrepared(prepared, study: specification.study, seed: provenance.splitSeed ?? seed)
        } else {
            guard let dataset = BenchmarkDataset(rawValue: provenance.dataset) else {
                throw CohortError("the model file names data set '\(provenance.dataset)', which this Cohort does not know")
            }
            data = try StudyData.load(
                dataset, path: provenance.path, splitSeed: provenance.splitSeed, siteCount: provenance.siteCount,
                alpha: provenance.alpha, seed: seed)
        }
        let study = try resolve(specification, siteNames: data.sites.map(\.name), for: .simulation)
        let parameters = try checkedParameters(saved, study: study)
        let settings = try choose.settings(for: study)
        var sites: [ValidationInputs.Site] = []
        for site in data.sites {
            sites.append(ValidationInputs.Site(name: site.name, statistics: try await SiteValidation.statistics(of: parameters, study: study, at: site)))
        }
        var notes: [String] = []
        let heldOut: ValidationInputs.LeaveOneSiteOut
        if !leaveOneSiteOut {
            heldOut = .unavailable("skipped (--skip-leave-one-site-out)")
        } else if data.sites.count < 2 {
            heldOut = .unavailable("the study has one site")
        } else {
            heldOut = .computed(await HeldOutSites.validate(study: study, data: data))
            if (study.localPrivacy != nil || (study.centralNoise ?? 0) > 0) && !study.reproducibleNoise {
                notes.append(
                    "Leave-one-site-out models were trained with fresh differential-privacy noise from the system's secure generator: their figures change each time the report is made; the internal validation does not."
                )
            }
        }
        let card = ModelCard(
            study: study, saved: saved, runtime: "simulation", dataDescription: data.description,
            sources: zip(data.sites, sites).map { site, result in
                ModelCard.DataSource(
                    site: site.name, trainingRows: site.train.count, testRows: site.test.count,
                    testEvents: result.statistics.all.positives)
            })
        return ValidationEvidence(
            inputs: ValidationInputs(card: card, settings: settings, sites: sites, leaveOneSiteOut: heldOut, notes: notes),
            rows: (study, data, parameters))
    }

    /// A deployed study: the statistics its sites returned after the last round.
    static func deployed(database path: String, saved: SavedModel, settings choose: ValidationReportCommand.ValidationChoices) throws -> ValidationEvidence {
        guard FileManager.default.fileExists(atPath: path) else { throw CohortError("--database \(path): no such file") }
        let store: SQLiteStudyStore
        let rounds: [RoundRecord]
        let stored: StoredStudy?
        do {
            store = try SQLiteStudyStore(path: path)
            rounds = try store.rounds()
            stored = try store.study()
        } catch {
            throw CohortError("cannot read the coordinator's database \(path): \(error)")
        }
        guard let evaluation = rounds.last(where: { $0.evaluation != nil })?.evaluation else {
            throw CohortError("\(path) holds no evaluated round: the study has not run")
        }
        let study = try resolve(saved.study, siteNames: saved.sites, for: .deployment)
        _ = try checkedParameters(saved, study: study)
        if let checksum = stored?.modelChecksum, !checksum.isEmpty, checksum != saved.modelChecksum {
            throw CohortError(
                "the model file's checksum \(saved.modelChecksum) is not the final model \(checksum) the database records: they are from different studies or runs"
            )
        }
        let sites = evaluation.sites.compactMap { report in
            report.validation.map { ValidationInputs.Site(name: report.site.name, statistics: $0) }
        }
        guard !sites.isEmpty else {
            throw CohortError(
                "the last evaluation in \(path) holds no validation statistics: the sites return them after the study's last round (Cohort 0.1 sites and coordinators from before the validation report do not)"
            )
        }
        var notes = evaluation.sites.filter { $0.validation == nil }.map { "Site \($0.site.name) returned no validation statistics; it is not in this report." }
        notes += evaluation.failures.map { "Site \($0.site.name) did not answer the last evaluation (\($0.reason)); it is not in this report." }
        let card = ModelCard(
            study: study, saved: saved, runtime: "deployment",
            dataDescription: study.specification.study.map { "prepared with study schema \($0)" } ?? study.data.description,
            sources: sites.map {
                ModelCard.DataSource(
                    site: $0.name, trainingRows: nil, testRows: $0.statistics.all.count,
                    testEvents: $0.statistics.all.positives)
            })
        let heldOut = ValidationInputs.LeaveOneSiteOut.unavailable(
            "a deployed study trains one model on all its sites; leave-one-site-out needs the study run again without each site (deploy it once per held-out site, or run it with cohort simulate on the same data)"
        )
        return ValidationEvidence(
            inputs: ValidationInputs(card: card, settings: try choose.settings(for: study), sites: sites, leaveOneSiteOut: heldOut, notes: notes),
            rows: nil)
    }

    private static func resolve(_ specification: StudySpecification, siteNames: [String], for runtime: ResolvedStudy.Runtime) throws -> ResolvedStudy {
        let study: ResolvedStudy
        do { study = try specification.resolved(siteNames: siteNames, for: runtime) } catch {
            throw CohortError("the model file's study no longer resolves: \(error.message)")
        }
        guard !study.isBaseline else {
            throw CohortError("strategy \(study.strategyName) is a baseline; the validation report covers a federated study's model")
        }
        return study
    }

    private static func checkedParameters(_ saved: SavedModel, study: ResolvedStudy) throws -> [Float] {
        let parameters = try saved.decodedParameters()
        let expected = try study.initialModel().parameterCount
        guard parameters.count == expected else {
            throw CohortError("the model file holds \(parameters.count) parameters; the study's model \(study.model) has \(expected)")
        }
        return parameters
    }
}

extension ResolvedStudy.DataSource {
    var description: String {
        switch self {
        case .benchmark(let benchmark): benchmark.rawValue
        case .prepared(let name, _, _): "prepared with study schema \(name)"
        }
    }
}

extension ModelCard {
    /// The card of `study`'s saved model.
    init(study: ResolvedStudy, saved: SavedModel, runtime: String, dataDescription: String, sources: [DataSource]) {
        self.init(
            studyID: study.id, intendedUse: study.intendedUse, runtime: runtime, dataDescription: dataDescription,
            dataSources: sources, model: study.model.description, parameterCount: saved.parameterCount,
            modelChecksum: saved.modelChecksum, strategy: study.strategyName, aggregationRule: study.ruleName,
            rounds: study.rounds, localSteps: study.localSteps, batchSize: study.batchSize,
            learningRate: TrainingPlan.decimal(study.optimizer.learningRate), seed: study.seed, schemaHash: study.schemaHash,
            trainingPlanHash: saved.trainingPlanHash,
            privacy: Privacy(
                mechanism: saved.privacy.mechanism, delta: saved.privacy.delta, siteEpsilon: saved.privacy.siteEpsilon,
                centralEpsilon: saved.privacy.centralEpsilon, noise: saved.privacy.noise),
            secureAggregation: study.secureAggregation, codeVersion: saved.cohortVersion)
    }
}
