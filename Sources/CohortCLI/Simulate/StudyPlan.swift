import Federation
import Foundation
import Learning
import Studies

/// `cohort simulate`'s study: the one study definition (`ResolvedStudy`, resolved from the
/// flags or from `--config`), plus what only a simulation has: where the data is read from,
/// how the simulator partitions it, the attack it mounts and the baselines' epochs. Every
/// study setting reads through to the resolved study.
@dynamicMemberLookup
struct StudyPlan {
    var study: ResolvedStudy
    var dataset: BenchmarkDataset
    var dataPath: String
    var splitSeed: UInt64?
    var siteCount: Int
    /// With --study: the prepared site datasets to federate.
    var preparedSites: [String]?
    var epochs: Int
    var command: [String]
    var attack: Attack?
    var maliciousText: String?
    var attackPlan: AttackPlan?
    var privacy: PrivacyPlan
    /// Where the study came from for messages: nil for flags, `FILE (study)` for --config.
    var origin: String?

    subscript<Value>(dynamicMember keyPath: KeyPath<ResolvedStudy, Value>) -> Value { study[keyPath: keyPath] }

    init(_ options: SimulateCommand) throws {
        let specification = try options.specification()
        let benchmark = specification.dataset ?? .heartDisease
        dataset = benchmark
        dataPath = options.data ?? benchmark.defaultPath ?? "bundled"
        splitSeed = options.splitSeed
        epochs = options.epochs ?? 50
        command = ["cohort", "simulate"] + Array(CommandLine.arguments.dropFirst(2))
        if let schema = specification.study {
            guard let list = options.sites, Int(list) == nil else {
                throw CohortError("--study \(schema) needs --sites DIR1,DIR2,... listing the prepared site datasets (from `cohort data prepare`)")
            }
            preparedSites = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            siteCount = preparedSites!.count
        } else if let text = options.sites {
            guard let count = Int(text) else {
                throw CohortError("--sites must be a number of sites for MedMNIST, or a list of prepared datasets together with --study, got '\(text)'")
            }
            guard benchmark != .heartDisease else { throw CohortError("--sites does not apply to heart-disease: its 4 hospitals are the sites") }
            guard count >= 1, count <= StudyLimits.sites else { throw CohortError("--sites must be between 1 and \(StudyLimits.sites), got \(count)") }
            siteCount = count
        } else {
            siteCount = benchmark.defaults.sites
        }
        let placeholders = specification.study == nil && benchmark.naturalSites == nil ? (1...siteCount).map { "site-\($0)" } : nil
        origin = options.config.map { "\($0) (study)" }
        study = try Self.resolve(
            specification, siteNames: placeholders ?? preparedSites.map { $0.indices.map { "site-\($0 + 1)" } },
            origin: origin)
        guard epochs >= 1 else { throw CohortError("--epochs must be at least 1, got \(epochs)") }
        guard options.alpha > 0, options.alpha.isFinite else { throw CohortError("--alpha must be a positive number, got \(options.alpha)") }
        if options.splitSeed != nil && benchmark != .heartDisease {
            throw CohortError("--split-seed applies to heart-disease; MedMNIST keeps its official train/test split")
        }
        privacy = try PrivacyPlan(study: study, privacyBudget: options.privacyBudget)
        if let name = options.attack {
            let attack: Attack
            do { attack = try Attack.parse(name, backdoorTarget: options.backdoorTarget) } catch {
                throw CohortError("--attack: \(error)")
            }
            guard options.malicious != nil else { throw CohortError("--attack needs --malicious N (a count) or a fraction such as 0.2") }
            self.attack = attack
        } else if options.malicious != nil {
            throw CohortError("--malicious needs --attack NAME")
        }
        maliciousText = options.malicious
        if study.isBaseline && attack != nil { throw CohortError("--attack applies to federated strategies, not the \(study.strategyName) baseline") }
        if attack != nil && study.secureAggregation {
            throw CohortError("--attack tampers with updates in transit, but --secure-aggregation seals them: drop one of them")
        }
    }

    /// Resolves for a simulation. The message is the study definition's own (the coordinator
    /// gives the same one), prefixed by where the setting came from: the flag, or the --config file.
    static func resolve(_ specification: StudySpecification, siteNames: [String]?, origin: String?) throws -> ResolvedStudy {
        do { return try specification.resolved(siteNames: siteNames, for: .simulation) } catch {
            let source = origin ?? error.key.map(flag(for:))
            throw CohortError(source.map { "\($0): \(error.message)" } ?? error.message)
        }
    }

    /// The `cohort simulate` flag that sets a study key.
    static func flag(for key: String) -> String {
        key == "learning_rate" ? "--lr" : "--" + key.replacingOccurrences(of: "_", with: "-")
    }

    static func describe(_ bound: NormBounded.Bound) -> String {
        switch bound {
        case .fixed(let value): "\(value)"
        case .adaptive(let multiplier): "adaptive:\(multiplier)"
        }
    }

    /// Central test sets: the pooled test, and the backdoor's success set under a backdoor attack.
    func centralTests(for data: StudyData) -> [String: Dataset] {
        var tests = data.centralTests
        if let backdoor = attack?.plantedBackdoor, let pooled = tests[StudyData.pooledTestName] {
            tests[StudyData.backdoorTestName] = backdoor.successTestSet(from: pooled)
        }
        return tests
    }

    /// Resolves the study again on the loaded data's sites (rules that count sites, shapes)
    /// and draws the attack's malicious sites.
    mutating func check(against data: StudyData) throws {
        let names = data.sites.map(\.name)
        var specification = study.specification
        if specification.byzantine == nil, let attack, let text = maliciousText {
            let count = try Self.maliciousCount(text, of: names.count)
            attackPlan = AttackPlan(attack: attack, count: count, among: names.map { SiteID($0) }, seed: study.seed)
            // Krum and Bulyan tolerate the attack's malicious sites unless told otherwise.
            if ["krum", "multi-krum", "bulyan"].contains(study.ruleName) { specification.byzantine = count }
        } else if let attack, let text = maliciousText {
            let count = try Self.maliciousCount(text, of: names.count)
            attackPlan = AttackPlan(attack: attack, count: count, among: names.map { SiteID($0) }, seed: study.seed)
        }
        study = try Self.resolve(specification, siteNames: names, origin: origin)
        let shape = data.sites[0].train.exampleShape
        guard shape == study.exampleShape else {
            throw CohortError("the data's examples have shape \(shape), but the study expects \(study.exampleShape)")
        }
    }

    private static func maliciousCount(_ text: String, of n: Int) throws -> Int {
        let count: Int
        if let whole = Int(text) {
            count = whole
        } else if let fraction = Double(text), fraction > 0, fraction < 1 {
            count = Int((fraction * Double(n)).rounded())
        } else {
            throw CohortError("--malicious must be a count (2) or a fraction between 0 and 1 (0.2), got '\(text)'")
        }
        guard count >= 1, count < n else {
            throw CohortError("--malicious must leave at least one honest site and name at least one: got \(count) of \(n) sites")
        }
        return count
    }

    var studyConfiguration: StudyConfiguration { study.configuration }

    var baselinePlan: Baselines.Plan {
        Baselines.Plan(optimizer: study.optimizer, batchSize: study.batchSize, epochs: epochs, seed: study.seed)
    }

    /// Where this simulation read its data, for the saved model (paths made absolute, so the
    /// validation report reads the same rows from anywhere).
    func provenance(alpha: Double) -> SavedModel.DataProvenance {
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        return SavedModel.DataProvenance(
            dataset: dataset.rawValue, path: dataPath == "bundled" ? nil : absolute(dataPath),
            splitSeed: splitSeed, preparedSites: preparedSites?.map(absolute), siteCount: siteCount,
            alpha: alpha)
    }

    func report(rounds: [RunReport.RoundSummary], final: RunReport.FinalSummary) -> RunReport {
        var report = RunReport(study: study, rounds: rounds, final: final)
        report.command = command
        report.config.dataset = dataset.rawValue
        report.config.data = dataPath
        report.config.splitSeed = splitSeed
        report.config.epochs = study.isBaseline ? epochs : nil
        report.config.attack = attack?.description
        report.config.maliciousSites = attackPlan.map { $0.malicious.map(\.name).sorted() }
        return report
    }
}

extension BenchmarkDataset {
    /// Where the data is read from when `--data` is not given (nil: shipped with Cohort).
    var defaultPath: String? {
        switch self {
        case .heartDisease, .breastMNIST: nil
        case .pneumoniaMNIST: "../shared/data/medmnist-pneumoniamnist/pneumoniamnist.npz"
        }
    }
}
