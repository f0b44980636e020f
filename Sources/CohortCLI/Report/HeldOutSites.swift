import Federation
import Foundation
import Studies
import Validation

/// Leave-one-site-out validation (Li et al., Medical Image Analysis 101:103497, 2025,
/// recommend it before federated models reach clinics): for each site, the study is run again
/// on the other sites only, by the same definition and seed, and the model it ends with is
/// scored on the site left out. Internal validation scores a model on test rows of the sites
/// it learnt from; this scores it on a hospital it never saw.
enum HeldOutSites {
    static func validate(study: ResolvedStudy, data: StudyData) async -> [ValidationInputs.HeldOut] {
        var results: [ValidationInputs.HeldOut] = []
        for (index, site) in data.sites.enumerated() {
            var others = data
            others.sites.remove(at: index)
            let names = others.sites.map(\.name)
            let statistics: Result<ValidationStatistics, NotEstimable>
            do {
                let parameters = try await train(study: study, on: others)
                statistics = .success(try await SiteValidation.statistics(of: parameters, study: study, at: site))
            } catch {
                statistics = .failure(NotEstimable("not run: \(error)"))
            }
            results.append(ValidationInputs.HeldOut(site: site.name, trainedOn: names, statistics: statistics))
        }
        return results
    }

    /// The study's final model when trained on `data`'s sites alone.
    private static func train(study: ResolvedStudy, on data: StudyData) async throws -> [Float] {
        guard !data.sites.isEmpty else { throw CohortError("no other site to train on") }
        var specification = study.specification
        specification.sites = nil
        // A minimum the study set for all its sites is capped at the sites that remain.
        if let minimum = specification.minSites { specification.minSites = min(minimum, data.sites.count) }
        let reduced: ResolvedStudy
        do { reduced = try specification.resolved(siteNames: data.sites.map(\.name), for: .simulation) } catch {
            throw CohortError("the study does not run on \(data.sites.count) sites: \(error.message)")
        }
        let (training, root) = reduced.needsRootData ? data.settingAsideRootData(seed: reduced.seed) : (data, nil)
        var simulation = try reduced.simulation(sites: training.sites, rootData: root)
        let privacy = try PrivacyPlan(study: reduced, privacyBudget: nil)
        let (budgets, ledgers) = try privacy.makeBudgets(for: training.sites.map { SiteID($0.name) }, directory: nil)
        defer { if let ledgers { try? FileManager.default.removeItem(at: ledgers) } }
        simulation.privacyGuards = budgets.mapValues { $0 as any PrivacyGuard }
        let outcome = try await simulation.run()
        try StudyVerdict.requireAcceptedRound(outcome)
        return outcome.finalParameters
    }
}
