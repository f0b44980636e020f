import Crypto
import Foundation

/// What a study will do with a site's data: the model, the strategy and every
/// hyper-parameter, the privacy and aggregation protections, and the data schema.
///
/// A site's steward approves a plan by its `planHash`, as Fed-BioMed's data owners approve
/// training plans: SHA-256 of a canonical encoding (keys sorted, no whitespace, numbers in
/// shortest form), so the same plan always has the same hash and changing any value, one
/// learning rate, one local step, changes it.
public struct TrainingPlan: Hashable, Sendable {
    public var study: String
    /// The model as `cohort` names it (`logistic`, `mlp:64,64:relu`, `cnn`).
    public var model: String
    public var parameterCount: Int
    /// `fedavg`, `fedprox`, `fedadam`, `scaffold`, `lockdown`, ...
    public var strategy: String
    /// The strategy's own hyper-parameters (FedProx's mu, FedOpt's server learning rate).
    public var strategyParameters: [String: Double]
    /// How updates are combined: `mean`, `median`, `krum`, ...
    public var aggregation: String
    public var rounds: Int
    public var localSteps: Int
    public var batchSize: Int
    public var optimizer: String
    public var learningRate: Double
    /// The optimizer's other settings (momentum, weight decay, betas).
    public var optimizerParameters: [String: Double]
    public var privacy: PlanPrivacy?
    public var secureAggregation: Bool
    /// SHA-256 of the study's data schema, hex.
    public var schemaHash: String

    public init(
        study: String, model: String, parameterCount: Int, strategy: String, strategyParameters: [String: Double] = [:],
        aggregation: String = "mean", rounds: Int, localSteps: Int, batchSize: Int, optimizer: String, learningRate: Double,
        optimizerParameters: [String: Double] = [:], privacy: PlanPrivacy? = nil, secureAggregation: Bool, schemaHash: String
    ) {
        self.study = study
        self.model = model
        self.parameterCount = parameterCount
        self.strategy = strategy
        self.strategyParameters = strategyParameters
        self.aggregation = aggregation
        self.rounds = rounds
        self.localSteps = localSteps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.optimizerParameters = optimizerParameters
        self.privacy = privacy
        self.secureAggregation = secureAggregation
        self.schemaHash = schemaHash
    }

    /// The model's family, what a policy's `allowed_models` lists: `mlp` for `mlp:64,64`.
    public var modelKind: String {
        String(model.split(separator: ":").first ?? Substring(model)).lowercased()
    }

    /// The canonical encoding the hash covers (also the plan file's compact form).
    public var canonicalJSON: String { CanonicalJSON.encode(fields) }

    /// SHA-256 of `canonicalJSON`, 64 hex digits.
    public var planHash: String { Hex.string(SHA256.hash(data: Array(canonicalJSON.utf8))) }

    /// Keys in sorted order, nested dictionaries too: sorting is what makes it canonical.
    var fields: AuditFields {
        var f = AuditFields()
        f.set("aggregation", aggregation)
        f.set("batch_size", batchSize)
        f.set("learning_rate", learningRate)
        f.set("local_steps", localSteps)
        f.set("model", model)
        f.set("optimizer", optimizer)
        f.set("optimizer_parameters", .object(Self.sorted(optimizerParameters)))
        f.set("parameter_count", parameterCount)
        f.set("privacy", privacy.map { AuditValue.object($0.fields) } ?? .null)
        f.set("rounds", rounds)
        f.set("schema_hash", schemaHash)
        f.set("secure_aggregation", secureAggregation)
        f.set("strategy", strategy)
        f.set("strategy_parameters", .object(Self.sorted(strategyParameters)))
        f.set("study", study)
        return f
    }

    static let keys = [
        "aggregation", "batch_size", "learning_rate", "local_steps", "model", "optimizer", "optimizer_parameters",
        "parameter_count", "privacy", "rounds", "schema_hash", "secure_aggregation", "strategy", "strategy_parameters", "study"
    ]

    private static func sorted(_ values: [String: Double]) -> AuditFields {
        var fields = AuditFields()
        for key in values.keys.sorted() { fields.set(key, values[key]!) }
        return fields
    }

    /// A float32 hyper-parameter as the decimal people wrote (0.01, not 0.009999999776...),
    /// so plans built from `Float` settings read and hash like plans typed by hand.
    public static func decimal(_ value: Float) -> Double { Double(String(describing: value)) ?? Double(value) }
}

/// The DP-SGD a plan asks sites to train with.
public struct PlanPrivacy: Hashable, Sendable {
    public var clipNorm: Double
    /// Either a fixed noise multiplier or a target epsilon over the study.
    public var noiseMultiplier: Double?
    public var targetEpsilon: Double?
    public var expectedBatchSize: Double
    public var delta: Double

    public init(clipNorm: Double, noiseMultiplier: Double? = nil, targetEpsilon: Double? = nil, expectedBatchSize: Double, delta: Double) {
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.targetEpsilon = targetEpsilon
        self.expectedBatchSize = expectedBatchSize
        self.delta = delta
    }

    var fields: AuditFields {
        var f = AuditFields()
        f.set("clip_norm", clipNorm)
        f.set("delta", delta)
        f.set("expected_batch_size", expectedBatchSize)
        f.set("noise_multiplier", noiseMultiplier)
        f.set("target_epsilon", targetEpsilon)
        return f
    }

    static let keys = ["clip_norm", "delta", "expected_batch_size", "noise_multiplier", "target_epsilon"]

    public var summary: String {
        var parts = ["clip \(CanonicalJSON.number(clipNorm))"]
        if let noiseMultiplier { parts.append("noise \(CanonicalJSON.number(noiseMultiplier))") }
        if let targetEpsilon { parts.append("target epsilon \(CanonicalJSON.number(targetEpsilon))") }
        parts.append("delta \(CanonicalJSON.number(delta))")
        return parts.joined(separator: ", ")
    }
}
