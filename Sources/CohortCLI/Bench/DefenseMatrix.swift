import ArgumentParser
import Federation
import Foundation
import Studies

/// `cohort bench defenses`: every attack against every defence, several seeds, as a table.
/// It runs `cohort simulate` in-process for each cell, so a cell is exactly reproducible with
/// the printed command line.
struct DefenseMatrixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "defenses",
        abstract: "Accuracy (and backdoor success) of each defence under each attack, averaged over seeds.")

    @Option(help: "heart-disease, breastmnist or pneumoniamnist.")
    var dataset: BenchmarkDataset = .heartDisease

    @Option(help: "Data file for breastmnist or pneumoniamnist.")
    var data: String?

    @Option(help: "Comma-separated seeds.")
    var seeds: String = "42,43,44"

    @Option(
        help: "Comma-separated attacks (none = clean run), each with its parameters: \"none,min-max:agr=tailored,model-replacement:gamma=2,from=50\".")
    var attacks: String = (["none"] + Attack.names).joined(separator: ",")

    @Option(help: "Comma-separated defences: fedavg, norm-bound, median, trimmed-mean, krum, multi-krum, bulyan, fltrust, recess, lockdown.")
    var defenses: String = "fedavg,norm-bound,median,trimmed-mean,krum,multi-krum,bulyan,fltrust,recess,lockdown"

    @Option(help: "Malicious sites: a count or a fraction.")
    var malicious: String = "0.2"

    @Option(help: "Sites for breastmnist or pneumoniamnist (Dirichlet(0.5) label split).")
    var sites: Int = 20

    @Option(help: "Extra options passed to every simulate run, e.g. \"--rounds 10 --local-steps 20\".")
    var extra: String = ""

    @Option(help: "Write the Markdown table between the defense-matrix markers of this README.")
    var readme: String?

    @Option(help: "Write every cell's numbers as JSON.")
    var json: String?

    struct Cell: Codable {
        var attack: String
        var defense: String
        var seeds: [UInt64]
        var accuracies: [Double]
        var backdoorSuccess: [Double]
        var failure: String?
    }

    func run() async throws {
        let seedList = try Sweep.seeds(seeds)
        let attackList = Self.attackList(attacks)
        for attack in attackList where attack != "none" {
            do { _ = try Attack.parse(attack) } catch { throw CohortError("--attacks: \(error) (or none)") }
        }
        let defenseList = defenses.split(separator: ",").map(String.init)
        var cells: [Cell] = []
        for attack in attackList {
            for defense in defenseList {
                var cell = Cell(attack: attack, defense: defense, seeds: seedList, accuracies: [], backdoorSuccess: [])
                for seed in seedList {
                    let arguments = self.arguments(attack: attack, defense: defense, seed: seed)
                    do {
                        let report = try await Sweep.run(arguments)
                        cell.accuracies.append(report.final.pooledTestAccuracy ?? report.final.averageClientAccuracy)
                        if let rate = report.final.backdoorSuccessRate { cell.backdoorSuccess.append(rate) }
                    } catch {
                        cell.failure = String(describing: error)
                        break
                    }
                }
                Sweep.progress("\(attack) x \(defense): \(cell.failure ?? DefenseMatrixCommand.format(cell))")
                cells.append(cell)
            }
        }
        let table = markdown(cells, attacks: attackList, defenses: defenseList)
        print(table)
        if let json { try JSONOutput.write(cells, to: json) }
        if let readme { try Sweep.splice(table, into: readme, marker: "defense-matrix:\(dataset.rawValue)") }
    }

    /// Splits the attack list at commas, except those inside one attack's parameters: a piece
    /// `key=value` without an attack name continues the attack before it.
    static func attackList(_ text: String) -> [String] {
        var list: [String] = []
        for piece in text.split(separator: ",").map(String.init) {
            if piece.contains("="), !piece.contains(":"), let last = list.last, last.contains(":") {
                list[list.count - 1] = last + "," + piece
            } else {
                list.append(piece)
            }
        }
        return list
    }

    func arguments(attack: String, defense: String, seed: UInt64) -> [String] {
        var arguments = ["--dataset", dataset.rawValue, "--seed", "\(seed)", "--quiet"]
        if let data { arguments += ["--data", data] }
        if dataset != .heartDisease { arguments += ["--sites", "\(sites)"] }
        switch defense {
        case "fedavg": arguments += ["--strategy", "fedavg"]
        case "norm-bound": arguments += ["--strategy", "fedavg", "--norm-bound", "adaptive:2"]
        default: arguments += ["--strategy", defense]
        }
        if attack != "none" { arguments += ["--attack", attack, "--malicious", malicious] }
        arguments += extra.split(separator: " ").map(String.init)
        return arguments
    }

    static func format(_ cell: Cell) -> String {
        var text = Sweep.summary(cell.accuracies)
        if !cell.backdoorSuccess.isEmpty { text += " / ASR " + Sweep.summary(cell.backdoorSuccess) }
        return text
    }

    func markdown(_ cells: [Cell], attacks: [String], defenses: [String]) -> String {
        var lines = [
            "| attack \\ defence | " + defenses.joined(separator: " | ") + " |",
            "| --- |" + String(repeating: " --- |", count: defenses.count)
        ]
        var reasons: [String] = []
        for attack in attacks {
            let row = defenses.map { defense -> String in
                guard let cell = cells.first(where: { $0.attack == attack && $0.defense == defense }) else { return "" }
                if let failure = cell.failure {
                    let reason = "\(defense): " + failure.replacingOccurrences(of: "|", with: "/")
                    if !reasons.contains(reason) { reasons.append(reason) }
                    return "n/a (\(reasons.firstIndex(of: reason)! + 1))"
                }
                return DefenseMatrixCommand.format(cell)
            }
            lines.append("| \(attack) | " + row.joined(separator: " | ") + " |")
        }
        for (index, reason) in reasons.enumerated() {
            lines.append("")
            lines.append("(\(index + 1)) \(reason)")
        }
        let example = (["cohort", "simulate"] + arguments(attack: attacks.last ?? "none", defense: defenses.first ?? "fedavg", seed: 42)).joined(separator: " ")
        lines.append("")
        lines.append(
            "Pooled-test accuracy, mean ± sd over seeds \(seeds); backdoor rows add the attack success rate (ASR). "
                + "Malicious sites: \(malicious). One cell, one seed: `\(example)`.")
        return lines.joined(separator: "\n")
    }
}
