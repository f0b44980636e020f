import Compliance
import Federation
import Foundation
import Learning
import Studies
import Transport

/// The coordinator's study: the `study:` block of `coordinator.yaml` read as the one study
/// definition (`StudySpecification`) and resolved for a deployment, exactly as `cohort
/// simulate --config` resolves it, plus what the wire announces to sites.
struct DeploymentStudy {
    var study: ResolvedStudy
    var description: StudyDescription
    var plan: TrainingPlan
    var fingerprint: String

    var id: String { study.id }
    var configuration: StudyConfiguration { study.configuration }
    var expectedSites: [String]? { study.expectedSites }
    var summary: String { study.summary }

    static func resolve(_ node: ConfigNode) throws -> DeploymentStudy {
        let specification = try StudySpecification(config: node)
        let study: ResolvedStudy
        do { study = try specification.resolved(for: .deployment) } catch {
            // The study definition's own message, at the line of the key it concerns.
            if let key = error.key, let location = node.location(ofKey: key) {
                throw ConfigError("\(location): study.\(key): \(error.message)")
            }
            throw ConfigError("\(node.location) (study): \(error.message)")
        }
        let model = try study.initialModel()
        let plan = try study.trainingPlan()
        let description = StudyDescription(
            studyID: study.id, model: study.model, seed: study.seed, exampleShape: study.exampleShape,
            task: study.task, parameterCount: model.parameterCount, schemaSHA256: study.requiredSchema,
            rounds: study.rounds, trainingPlan: plan.canonicalJSON)
        let identity = Fingerprint(
            configuration: study.configuration, strategy: study.strategy ?? .fedAvg, rule: study.ruleName,
            ruleDetail: "\(study.rule)", centralNoise: study.centralNoise, model: study.model,
            shape: study.exampleShape.dimensions, schema: study.requiredSchema, monitor: study.monitor != nil,
            secureAggregation: study.secureAggregation ? true : nil)
        let json = try JSONOutput.encode(identity, pretty: false)
        return DeploymentStudy(study: study, description: description, plan: plan, fingerprint: Digest.sha256Hex(json))
    }

    func initialModel() throws -> Model { try study.initialModel() }

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
