import Federation
import Studies
import Validation

/// A site's validation statistics for a set of parameters, computed the way a deployed site
/// computes them: by the Federation `Site` actor's `evaluate`, on the site's own test rows.
enum SiteValidation {
    static func statistics(of parameters: [Float], study: ResolvedStudy, at site: SiteData) async throws -> ValidationStatistics {
        let agent = try Site(id: SiteID(site.name), study: study.id, model: study.model, data: site, seed: study.seed)
        let request = EvaluationRequest(
            study: study.id, round: study.rounds, globalParameters: parameters,
            validationBins: ValidationStatistics.defaultBinCount)
        guard let statistics = try await agent.evaluate(request).validation else {
            throw CohortError(
                "site \(site.name) returned no validation statistics: the model scores one of its test rows NaN (a broken model), or the task is not binary")
        }
        return statistics
    }
}
