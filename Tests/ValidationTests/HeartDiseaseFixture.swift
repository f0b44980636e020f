import Datasets
import Federation
import Learning
import Testing
import Validation

/// The four heart-disease hospitals with one model trained on their pooled training rows:
/// realistic scores (neither random nor perfectly separated) for the validation tests.
struct HeartDiseaseFixture {
    var data: HeartDiseaseData
    var model: Model

    init() throws {
        data = try HeartDisease.load()
        model = try Model(spec: .logisticRegression, inputShape: Shape([HeartDisease.featureCount]), task: .binary, seed: 42)
        let train = Dataset.concatenating(data.sites.map(\.train))
        var sampler = BatchSampler(rowCount: train.count, batchSize: 8, seed: 42)
        var optimizer = OptimizerSpec.sgd(learningRate: 0.05).makeOptimizer(parameterCount: model.parameterCount)
        _ = model.train(on: train, steps: 600, sampler: &sampler, optimizer: &optimizer)
    }

    /// What each site returns: its statistics, computed by the Federation `Site` from its rows.
    func siteStatistics() async throws -> [ValidationInputs.Site] {
        var result: [ValidationInputs.Site] = []
        for site in data.sites {
            let agent = try Site(id: SiteID(site.name), study: "heart", model: .logisticRegression, data: site, seed: 42)
            let report = try await agent.evaluate(
                EvaluationRequest(
                    study: "heart", round: 1, globalParameters: model.parameters,
                    validationBins: ValidationStatistics.defaultBinCount))
            result.append(ValidationInputs.Site(name: site.name, statistics: try #require(report.validation)))
        }
        return result
    }

    /// Every test row of every site: its logit and label (each site's own standardization).
    var pooledRows: (logits: [Float], labels: [Float]) {
        let logits = data.sites.flatMap { model.logits(for: $0.test) }
        let labels = data.sites.flatMap(\.test.labels)
        return (logits, labels)
    }

    static func card(sites: [String]) -> ModelCard {
        ModelCard(
            studyID: "heart", intendedUse: "test", runtime: "simulation", dataDescription: "UCI heart disease",
            dataSources: sites.map { .init(site: $0, trainingRows: nil, testRows: 0, testEvents: 0) },
            model: "logistic", parameterCount: 14, modelChecksum: "0", strategy: "fedavg", aggregationRule: "mean",
            rounds: 1, localSteps: 1, batchSize: 1, learningRate: 0.1, seed: 42, schemaHash: "s", trainingPlanHash: nil,
            privacy: ModelCard.Privacy(mechanism: "none"), secureAggregation: false, codeVersion: "test")
    }
}
