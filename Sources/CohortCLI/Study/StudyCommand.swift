import ArgumentParser
import Compliance
import Foundation
import Studies

/// `cohort study ...`: a study definition read, checked and turned into the training plan
/// a data steward approves, before anything runs.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Check a study definition and show or write its training plan, before anything runs.",
        discussion: """
            FILE is a study YAML or a coordinator.yaml (its study: block). The plan and its SHA-256 are \
            the ones the coordinator announces to sites and cohort simulate --config runs: a steward \
            approves it with cohort site approve --plan plan.json.
            """,
        subcommands: [StudyPlanCommand.self, StudyCheckCommand.self])
}

/// The study definition options shared by the `study` subcommands.
struct StudyFileOptions: ParsableArguments {
    @Option(help: "A study YAML, or a coordinator.yaml whose study: block to read.")
    var config: String

    @Flag(help: "Resolve as cohort simulate would (a deployment refuses simulator-only settings).")
    var simulation = false

    func resolve() throws -> ResolvedStudy {
        let specification: StudySpecification
        do { specification = try StudySpecification(contentsOf: URL(fileURLWithPath: config)) } catch {
            throw CohortError("\(error)")
        }
        do { return try specification.resolved(for: simulation ? .simulation : .deployment) } catch {
            throw CohortError("\(config) (study): \(error.message)")
        }
    }
}

/// `cohort study plan --config FILE [--out plan.json]`.
struct StudyPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Print (or write) the study's training plan and its SHA-256.")

    @OptionGroup var study: StudyFileOptions

    @Option(help: "Write the plan file here (what cohort site approve --plan reads).")
    var out: String?

    func run() throws {
        let plan = try study.resolve().trainingPlan()
        if let out {
            try CohortCommand.checkWritable(out, option: "--out")
            do { try plan.fileContents.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw CohortError("cannot write \(out): \(error.localizedDescription)")
            }
            print("wrote \(out)")
        } else {
            print(plan.fileContents, terminator: "")
        }
        print("plan hash \(plan.planHash)")
    }
}

/// `cohort study check --config FILE`: every rule checked, the resolved settings printed.
struct StudyCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the study and print it with every default filled in.")

    @OptionGroup var study: StudyFileOptions

    func run() throws {
        let resolved = try study.resolve()
        print("study \(resolved.id): \(resolved.summary)")
        print(
            "  sites \(resolved.expectedSites?.joined(separator: ", ") ?? "any certified site"), \(resolved.configuration.selection.minimumSites) needed per round"
        )
        if let privacy = resolved.localPrivacy { print("  DP-SGD at every site: clip \(privacy.clipNorm), \(privacy.noise), delta \(privacy.delta)") }
        if let z = resolved.centralNoise { print("  DP-FedAvg at the coordinator: noise multiplier \(z)") }
        if resolved.secureAggregation { print("  secure aggregation (SecAgg+)") }
        StudyWarnings.check(resolved).forEach { print("  warning: \($0)") }
        print("plan hash \(try resolved.trainingPlan().planHash)")
    }
}
