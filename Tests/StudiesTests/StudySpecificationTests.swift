import Compliance
import Federation
import Foundation
import Learning
import Studies
import Testing

@Suite("One study definition")
struct StudySpecificationTests {
    static let heart = """
        id: heart
        dataset: heart-disease
        strategy: fedprox
        mu: 0.05
        rounds: 12
        local_steps: 40
        seed: 7
        sites: [cleveland, hungarian, switzerland, va]
        """

    @Test("a study file and a coordinator.yaml's study block decode to the same specification and plan")
    func studyFileAndCoordinatorBlockAgree() throws {
        let file = try StudySpecification(yaml: Self.heart, file: "study.yaml")
        let indented = Self.heart.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        let coordinator = try StudySpecification(yaml: "listen: 127.0.0.1:7443\nstudy:\n\(indented)\n", file: "coordinator.yaml")
        #expect(file == coordinator)
        #expect(file.strategy == "fedprox" && file.mu == 0.05 && file.rounds == 12 && file.seed == 7)
        let simulated = try file.resolved(for: .simulation)
        let deployed = try coordinator.resolved(for: .deployment)
        #expect(try simulated.trainingPlan() == deployed.trainingPlan())
        #expect(try simulated.trainingPlan().planHash == deployed.trainingPlan().planHash)
        #expect(simulated.configuration == deployed.configuration)
    }

    @Test("defaults are FLamby's heart-disease protocol, with FedProx's own learning rate rule")
    func defaults() throws {
        let study = try StudySpecification().resolved()
        #expect(study.id == "heart-disease")
        #expect(study.rounds == 15 && study.localSteps == 100 && study.batchSize == 4 && study.seed == 42)
        #expect(study.model == .logisticRegression)
        #expect(study.optimizer == .sgd(learningRate: 0.001, momentum: 0))
        #expect(study.siteNames == ["cleveland", "hungarian", "switzerland", "va"])
        #expect(study.configuration.selection.minimumSites == 4)
        var adam = StudySpecification()
        adam.strategy = "fedadam"
        #expect(try adam.resolved().optimizer.learningRate == 0.01)
    }

    @Test("the plan changes with any setting a steward approves, and not with the seed")
    func planHashCoversSettings() throws {
        let base = try StudySpecification(yaml: Self.heart, file: "study.yaml")
        let hash = try base.resolved().trainingPlan().planHash
        var steps = base
        steps.localSteps = 41
        #expect(try steps.resolved().trainingPlan().planHash != hash)
        var dp = base
        dp.dpNoise = 1.1
        #expect(try dp.resolved().trainingPlan().planHash != hash)
        var seed = base
        seed.seed = 8
        #expect(try seed.resolved().trainingPlan().planHash == hash)
    }

    @Test("every compatibility rule refuses with the same words in simulation and deployment")
    func sameRefusalInBothRuntimes() throws {
        let cases: [(String, String)] = [
            ("strategy: scaffold\nnorm_bound: 5", "scaffold folds its sites' control-variate deltas beside the plain mean"),
            ("strategy: lockdown\ncentral_dp_noise: 0.1", "lockdown folds its sites' subspace masks beside the plain mean"),
            ("strategy: scaffold\nsecure_aggregation: true", "scaffold needs each site's control-variate delta"),
            ("strategy: median\nsecure_aggregation: true", "the median rule needs each site's own update"),
            ("monitor: true\nsecure_aggregation: true", "the site monitor scores each site's own update"),
            ("strategy: krum\nbyzantine: 2", "needs at least 7 sites per round"),
            ("fraction: 1.5", "fraction must be in (0, 1]"),
            ("strategy: fedavg\nmu: 0.1", "mu applies only to strategy fedprox"),
            ("dp_epsilon: 1\ndp_noise: 1", "give one of them"),
            ("strategy: scaffold\noptimizer: adam", "scaffold needs plain SGD")
        ]
        for (yaml, expected) in cases {
            let spec = try StudySpecification(yaml: "dataset: heart-disease\n" + yaml, file: "study.yaml")
            let simulated = #expect(throws: StudyError.self) { try spec.resolved(for: .simulation) }
            let deployed = #expect(throws: StudyError.self) { try spec.resolved(for: .deployment) }
            #expect(simulated?.message.contains(expected) == true, "\(yaml): \(simulated?.message ?? "no error")")
            #expect(simulated == deployed, "\(yaml)")
        }
    }

    @Test("what only a single process can do is refused for a deployment, with the reason")
    func deploymentOnlyRefusals() throws {
        for (yaml, expected) in [
            ("reproducible_noise: true", "simulation only"), ("strategy: fltrust", "root data set"),
            ("strategy: pooled", "baseline"), ("dataset: breastmnist", "partitioned by the simulator")
        ] {
            let spec = try StudySpecification(yaml: yaml, file: "study.yaml")
            let error = #expect(throws: StudyError.self) { try spec.resolved(for: .deployment) }
            #expect(error?.message.contains(expected) == true, "\(yaml): \(error?.message ?? "")")
        }
        var seeded = StudySpecification()
        seeded.reproducibleNoise = true
        #expect(try seeded.resolved(for: .simulation).reproducibleNoise)
    }

    @Test("YAML mistakes name the file, the line and the key")
    func strictYAML() throws {
        let unknown = #expect(throws: ConfigError.self) { try StudySpecification(yaml: "rounds: 3\nroudns: 4\n", file: "s.yaml") }
        #expect(unknown?.description.contains("s.yaml:2: unknown key 'roudns'") == true, "\(unknown?.description ?? "")")
        let huge = #expect(throws: ConfigError.self) { try StudySpecification(yaml: "rounds: 4294967296\n", file: "s.yaml") }
        #expect(huge?.description.contains("'rounds' must be between 1 and") == true, "\(huge?.description ?? "")")
        let seed = #expect(throws: ConfigError.self) { try StudySpecification(yaml: "seed: -1\n", file: "s.yaml") }
        #expect(seed?.description.contains("'seed' must be a whole number") == true)
        let dataset = #expect(throws: ConfigError.self) { try StudySpecification(yaml: "dataset: mnist\n", file: "s.yaml") }
        #expect(dataset?.description.contains("heart-disease, breastmnist, pneumoniamnist") == true)
    }

    @Test("a model too large to build is refused before anything allocates it")
    func hugeModel() throws {
        for model in ["mlp:4294967296", "mlp:100000,100000"] {
            var spec = StudySpecification()
            spec.model = model
            let error = #expect(throws: StudyError.self) { try spec.resolved() }
            #expect(error?.key == "model", "\(model): \(String(describing: error))")
        }
    }
}
