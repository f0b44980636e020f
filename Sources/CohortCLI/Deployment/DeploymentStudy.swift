import ClinicalData
import Federation
import Foundation
import Learning
import Privacy
import Transport

/// The `study:` section of `coordinator.yaml`, resolved exactly as `cohort simulate` resolves
/// its command line: its keys are simulate's options (snake_case), handed to the same
/// `StudyPlan`, so a deployed study runs the same strategies, rules, defaults (FLamby's
/// learning rates) and evaluation as a simulated one, and the same seed gives the same model.
struct DeploymentStudy {
    var id: String
    var plan: StudyPlan
    var configuration: StudyConfiguration
    var description: StudyDescription
    var strategy: StrategySpec
    /// Site names the study expects (nil: any site certified by the consortium CA).
    var expectedSites: [String]?
    var fingerprint: String
    var summary: String

    /// Keys that become `cohort simulate` options, with the option each becomes.
    static let simulateOptions: [(key: String, flag: String)] = [
        ("dataset", "--dataset"), ("study", "--study"), ("model", "--model"), ("strategy", "--strategy"),
        ("rounds", "--rounds"), ("local_steps", "--local-steps"), ("batch_size", "--batch-size"),
        ("learning_rate", "--lr"), ("optimizer", "--optimizer"), ("momentum", "--momentum"), ("mu", "--mu"),
        ("seed", "--seed"), ("fraction", "--fraction"), ("min_sites", "--min-sites"), ("evaluate_every", "--evaluate-every"),
        ("trim_beta", "--trim-beta"), ("byzantine", "--byzantine"), ("keep", "--keep"), ("norm_bound", "--norm-bound"),
        ("dp_epsilon", "--dp-epsilon"), ("dp_noise", "--dp-noise"), ("dp_clip", "--dp-clip"), ("dp_delta", "--dp-delta"),
        ("central_dp_noise", "--central-dp-noise"), ("monitor", "--monitor"), ("secure_aggregation", "--secure-aggregation"),
        ("quarantine_threshold", "--quarantine-threshold"), ("quarantine_rounds", "--quarantine-rounds"),
    ]
    /// Keys only a deployment has.
    static let deploymentKeys = ["id", "sites", "round_deadline_seconds"]

    static func resolve(_ node: ConfigNode) throws -> DeploymentStudy {
        let entries = try node.entries(allowed: deploymentKeys + simulateOptions.map(\.key))
        var fields: [String: ConfigNode] = [:]
        for (key, value) in entries { fields[key] = value }
        let id = try fields["id"]?.string() ?? "study"
        guard Naming.isValid(id) else { throw ConfigError("\(fields["id"]!.location): 'study.id' is not valid: \(Naming.rule)") }
        let deadline = try fields["round_deadline_seconds"]?.double(minimum: 0.01) ?? 600
        let expected = try fields["sites"]?.strings()
        if let expected {
            for name in expected where !Naming.isValid(name) {
                throw ConfigError("\(fields["sites"]!.location): 'study.sites' lists '\(name)', not a valid site name: \(Naming.rule)")
            }
            guard Set(expected).count == expected.count, !expected.isEmpty else {
                throw ConfigError("\(fields["sites"]!.location): 'study.sites' must list distinct site names")
            }
        }

        // The same options `cohort simulate` would get.
        var arguments: [String] = []
        for (key, flag) in simulateOptions {
            guard let value = fields[key] else { continue }
            if key == "monitor" || key == "secure_aggregation" {
                if try value.bool() { arguments.append(flag) }
                continue
            }
            guard let text = value.scalarText, !text.isEmpty else {
                throw ConfigError("\(value.location): 'study.\(key)' must be a single value")
            }
            arguments += [flag, text]
        }
        let minimum = try fields["min_sites"]?.int(in: 1...100_000)
        guard expected != nil || minimum != nil else {
            throw ConfigError("\(node.location): the study needs 'sites' (the expected site names) or 'min_sites' (how many sites a round needs)")
        }
        let siteNames = expected ?? (1...(minimum ?? 1)).map { "site-\($0)" }
        if fields["study"] != nil { arguments += ["--sites", siteNames.joined(separator: ",")] }
        let location = "\(node.location) (study)"
        let options: SimulateCommand
        do {
            options = try SimulateCommand.parse(arguments)
        } catch {
            throw ConfigError("\(location): \(translate(SimulateCommand.message(for: error)))")
        }
        var plan: StudyPlan
        do {
            plan = try StudyPlan(options)
        } catch let error as CohortError {
            throw ConfigError("\(location): \(translate(error.description))")
        }

        guard case .federated(let strategy) = plan.mode else {
            throw ConfigError("\(location): strategy '\(plan.strategyName)' is a baseline that needs all data in one place, not a federated study")
        }
        if plan.needsRootData {
            throw ConfigError("\(location): strategy fltrust needs a root data set held by the coordinator, which a deployment does not have")
        }
        let (shape, task, schema) = try inputs(of: options, location: location)
        let placeholders = StudyData(
            sites: siteNames.map { SiteData(name: $0, train: .empty(shape: shape, task: task), test: .empty(shape: shape, task: task)) },
            pooledSites: [], centralTests: [:], description: "deployment")
        do {
            try plan.check(against: placeholders)
        } catch let error as CohortError {
            throw ConfigError("\(location): \(translate(error.description))")
        }
        var configuration = plan.studyConfiguration
        configuration.studyID = id
        configuration.roundDeadlineSeconds = deadline
        let model = try Model(spec: plan.model, inputShape: shape, task: task, seed: plan.seed)
        let description = StudyDescription(studyID: id, model: plan.model, seed: plan.seed, exampleShape: shape, task: task,
                                           parameterCount: model.parameterCount, schemaSHA256: schema, rounds: plan.rounds)
        let identity = Fingerprint(configuration: configuration, strategy: strategy, rule: plan.ruleName,
                                   ruleDetail: "\(plan.rule)", centralNoise: plan.privacy.centralNoise, model: plan.model,
                                   shape: shape.dimensions, schema: schema, monitor: plan.monitor != nil,
                                   secureAggregation: plan.secureAggregation ? true : nil)
        let json = try JSONOutput.encode(identity, pretty: false)
        return DeploymentStudy(
            id: id, plan: plan, configuration: configuration, description: description, strategy: strategy,
            expectedSites: expected, fingerprint: Digest.sha256Hex(json),
            summary: "\(plan.model) \(plan.strategyName) (\(plan.ruleName)), \(plan.rounds) rounds x \(plan.localSteps) local steps of batch \(plan.batchSize), lr \(plan.optimizer.learningRate), seed \(plan.seed), \(configuration.selection.minimumSites) sites per round, deadline \(deadline) s")
    }

    /// What the study's model reads: FLamby heart disease's 13 encoded features, or a study
    /// schema's columns (prepared datasets).
    private static func inputs(of options: SimulateCommand, location: String) throws -> (Shape, Learning.Task, String?) {
        if let name = options.study {
            do {
                let schema = try StudySchema.resolve(name)
                return (Shape([CohortEncoder(study: schema).layout.names.count]), .binary, schema.sha256)
            } catch {
                throw ConfigError("\(location): study.study: \(error)")
            }
        }
        switch options.dataset {
        case .heartDisease: return (Shape([HeartDiseaseSiteData.featureCount]), .binary, nil)
        case .breastMNIST, .pneumoniaMNIST:
            throw ConfigError("\(location): dataset \(options.dataset.rawValue) is partitioned by the simulator; deployed sites bring their own data (use heart-disease or a prepared study)")
        }
    }

    /// Rewrites simulate's option names into the config's keys.
    private static func translate(_ message: String) -> String {
        var text = message
        for (key, flag) in simulateOptions.sorted(by: { $0.flag.count > $1.flag.count }) {
            text = text.replacingOccurrences(of: flag, with: "study.\(key)")
        }
        return text.replacingOccurrences(of: "study.study.", with: "study.")
    }

    func makeStrategy() -> any Strategy { strategy.makeStrategy() }

    func makeRule() throws -> any AggregationRule {
        if let z = plan.privacy.centralNoise {
            // Under secure aggregation the sites clip and the clipping count stays secret: fixed clip norm.
            return try DPFedAvg(noiseMultiplier: z, adaptive: !plan.secureAggregation,
                                expectedUpdates: configuration.selection.minimumSites, seed: plan.seed)
        }
        return try plan.rule.makeRule(rootData: nil, model: plan.model, seed: plan.seed)
    }

    /// SecAgg+ when the study asks for it: the coordinator then learns only sums.
    func makeSecureSummation() -> (any SecureSummation)? {
        plan.secureAggregation ? SecAggSummation() : nil
    }

    func initialModel() throws -> Model {
        try Model(spec: plan.model, inputShape: description.exampleShape, task: description.task, seed: plan.seed)
    }

    /// Everything that decides the study's result; resuming with anything else is refused.
    private struct Fingerprint: Encodable {
        var configuration: StudyConfiguration
        var strategy: StrategySpec
        var rule: String
        var ruleDetail: String
        var centralNoise: Double?
        var model: ModelSpec
        var shape: [Int]
        var schema: String?
        var monitor: Bool
        /// Nil (left out of the JSON) without secure aggregation, so older fingerprints still match.
        var secureAggregation: Bool?
    }
}

extension Dataset {
    /// No rows: a stand-in with the right shape where only the shape matters.
    static func empty(shape: Shape, task: Learning.Task) -> Dataset {
        Dataset(features: [], labels: [], exampleShape: shape, task: task)
    }
}
