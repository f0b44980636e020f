import ClinicalData
import Federation
import Learning

/// A study specification with every default applied and every rule checked: what both
/// runtimes run. Built only by `StudySpecification.resolved(siteNames:for:)`.
public struct ResolvedStudy: Sendable {
    /// Federated, or one of the non-federated baselines `cohort simulate` can run for comparison.
    public enum Mode: Hashable, Sendable {
        case federated(StrategySpec)
        case local
        case pooled
    }

    /// Where the rows come from.
    public enum DataSource: Hashable, Sendable {
        case benchmark(BenchmarkDataset)
        /// Datasets prepared with a study schema (`cohort data prepare`); the name as written.
        case prepared(schemaName: String, schemaSHA256: String, features: Int)
    }

    /// Which runtime the study is resolved for: a deployment refuses what only a single
    /// process can do (seeded noise, data the simulator partitions, a coordinator's root data).
    public enum Runtime: Hashable, Sendable {
        case simulation
        case deployment
    }

    public var specification: StudySpecification
    public var id: String
    public var data: DataSource
    public var mode: Mode
    /// The strategy as named (`fedavg`, `median`, `lockdown`, `local`...).
    public var strategyName: String
    /// The aggregation rule's name (`mean`, `median`, `krum`...).
    public var ruleName: String
    public var rule: AggregationRuleSpec
    public var model: ModelSpec
    public var rounds: Int
    public var localSteps: Int
    public var batchSize: Int
    public var optimizer: OptimizerSpec
    public var optimizerName: String
    public var momentum: Float
    public var proximalMu: Float?
    public var seed: UInt64
    public var siteNames: [String]
    /// Sites the study expects by name (deployment admits only these); nil: any certified site.
    public var expectedSites: [String]?
    public var localPrivacy: LocalPrivacy?
    public var centralNoise: Double?
    public var delta: Double
    /// Seeded DP noise (reproducible, not private); simulation only.
    public var reproducibleNoise: Bool
    public var monitor: SiteMonitor?
    public var secureAggregation: Bool
    public var configuration: StudyConfiguration
    public var intendedUse: String?

    /// The shape of one example, the task, and what the features are (the plan's schema hash).
    public var exampleShape: Shape {
        switch data {
        case .benchmark(let benchmark): benchmark.exampleShape
        case .prepared(_, _, let features): Shape([features])
        }
    }

    public var task: Learning.Task {
        switch data {
        case .benchmark(let benchmark): benchmark.task
        case .prepared: .binary
        }
    }

    public var schemaHash: String {
        switch data {
        case .benchmark(let benchmark): benchmark.schemaHash
        case .prepared(_, let hash, _): hash
        }
    }

    /// The schema hash a site's prepared data must carry (nil for benchmarks).
    public var requiredSchema: String? {
        if case .prepared(_, let hash, _) = data { return hash }
        return nil
    }

    public var isBaseline: Bool {
        if case .federated = mode { return false }
        return true
    }

    public var strategy: StrategySpec? {
        if case .federated(let spec) = mode { return spec }
        return nil
    }

    /// Krum's, Multi-Krum's and Bulyan's f.
    public var byzantineF: Int? {
        switch rule.kind {
        case .krum(let f), .multiKrum(let f, _), .bulyan(let f): f
        default: nil
        }
    }

    /// FLTrust scores updates against a root data set the coordinator holds.
    public var needsRootData: Bool { rule.requiresRootData }

    /// The initial global model every run of this study starts from.
    public func initialModel() throws -> Model {
        try Model(spec: model, inputShape: exampleShape, task: task, seed: seed)
    }

    /// One line for logs and progress: model, strategy, schedule.
    public var summary: String {
        "\(model) \(strategyName) (\(ruleName)), \(rounds) rounds x \(localSteps) local steps of batch \(batchSize), lr \(optimizer.learningRate), seed \(seed), \(configuration.selection.minimumSites) sites per round, deadline \(configuration.roundDeadlineSeconds) s"
    }
}
