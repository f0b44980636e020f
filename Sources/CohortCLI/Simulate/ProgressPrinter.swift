import Federation
import Foundation
import Studies
import Transport

/// Progress lines while a study runs, then the final per-site table. Everything goes to
/// standard output except warnings about sites, which go to standard error.
struct ProgressPrinter: Sendable {
    var quiet: Bool
    var rounds: Int
    /// No output at all, warnings included (for batch runs such as the defence matrix).
    var silent = false

    func with(rounds: Int) -> ProgressPrinter {
        var copy = self
        copy.rounds = rounds
        return copy
    }

    func header(plan: StudyPlan, data: StudyData) {
        guard !quiet else { return }
        let what: String
        switch plan.mode {
        case .federated(let strategy):
            what = "\(strategy), \(plan.rounds) rounds x \(plan.localSteps) local steps"
        case .local, .pooled:
            what = "\(plan.strategyName) baseline, \(plan.epochs) epochs"
        }
        print("cohort simulate: \(data.description)")
        print("  model \(plan.model), \(what), batch \(plan.batchSize), \(plan.optimizerName) lr \(plan.optimizer.learningRate), seed \(plan.seed)")
        if plan.ruleName != "mean" || plan.rule.normBound != nil {
            let f = plan.byzantineF.map { ", f = \($0)" } ?? ""
            let bound = plan.rule.normBound.map { ", norm bound \(StudyPlan.describe($0))" } ?? ""
            print("  aggregation \(plan.ruleName)\(f)\(bound)")
        }
        if plan.secureAggregation {
            print("  secure aggregation (SecAgg+): the coordinator learns only the sum of the updates")
        }
        if let attack = plan.attackPlan {
            print("  attack \(attack.attack) from \(attack.malicious.map(\.name).sorted().joined(separator: ", "))")
        }
    }

    func show(_ event: StudyEvent) {
        switch event {
        case .roundStarted:
            break
        case .updateRejected(let round, let failure):
            warn("round \(round): update from \(failure.site) rejected: \(EventLog.escaped(failure.reason))")
        case .siteFailed(let round, let failure):
            warn("round \(round): \(failure.site) dropped: \(EventLog.escaped(failure.reason))")
        case .siteQuarantined(let event):
            let scores = event.evidence.map { String(format: "%.1f", $0.score) }.joined(separator: ", ")
            warn(
                "round \(event.round): \(event.site) quarantined after \(event.evidence.count) anomalous rounds (scores \(scores)); its updates are dropped until an operator reinstates it"
            )
        case .roundFinished(let record):
            guard !quiet else { return }
            var line = "round \(String(record.round).leftPadded(to: String(rounds).count, with: " "))/\(rounds)"
            if let loss = record.meanTrainingLoss { line += String(format: "  train loss %.4f", loss) }
            if let evaluation = record.evaluation {
                line += String(format: "  avg client acc %.4f", evaluation.averageAccuracy)
                if let pooled = evaluation.central[StudyData.pooledTestName] {
                    line += String(format: "  pooled test acc %.4f", pooled.accuracy)
                }
            }
            line += "  \(record.contributors.count)/\(record.participants.count) sites"
            if !record.accepted { line += "  (not accepted: too few sites)" }
            line += String(format: "  %.1f ms", record.seconds * 1000)
            print(line)
        }
    }

    func finalTable(_ report: RunReport) {
        let final = report.final
        let nameWidth = max(12, (final.sites.map(\.name.count).max() ?? 0) + 2)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        print("")
        if let models = report.localModels {
            print("local baseline: each row is a model trained at one site alone, scored on every site's test split")
            print(pad("trained at", nameWidth) + models[0].sites.map { pad($0.name, 12) }.joined() + "average")
            for model in models {
                print(
                    pad(model.trainedAt, nameWidth) + model.sites.map { pad(String(format: "%.4f", $0.accuracy), 12) }.joined()
                        + String(format: "%.4f", model.averageClientAccuracy))
            }
            print("")
        }
        print(pad("site", nameWidth) + pad("test rows", 11) + pad("accuracy", 10) + "AUROC")
        for site in final.sites {
            print(
                pad(site.name, nameWidth) + pad(String(site.testSize), 11) + pad(String(format: "%.4f", site.accuracy), 10)
                    + (site.auroc.map { String(format: "%.4f", $0) } ?? "n/a (one class)"))
        }
        print(pad("average", nameWidth) + pad("", 11) + String(format: "%.4f", final.averageClientAccuracy) + "    (mean of the site accuracies)")
        if let pooled = final.pooledTestAccuracy {
            let rows = final.sites.map(\.testSize).reduce(0, +)
            print(pad("pooled test", nameWidth) + pad(String(rows), 11) + String(format: "%.4f", pooled) + "    (all test rows, pooled standardization)")
        }
        if let rate = final.backdoorSuccessRate {
            print(pad("backdoor", nameWidth) + pad("", 11) + String(format: "%.4f", rate) + "    (attack success rate on triggered test rows)")
        }
        print(String(format: "total %.3f s", report.timings.totalSeconds))
    }

    func note(_ text: String) {
        if !quiet { print(text) }
    }

    func warn(_ text: String) {
        guard !silent else { return }
        FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
    }
}
