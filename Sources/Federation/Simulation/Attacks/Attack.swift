import Learning

/// Poisoning attacks the simulator can mount from a chosen set of malicious sites, to prove
/// (or disprove) the defences. Data attacks change what the site trains on; update attacks
/// change what it sends. Every attack is deterministic under the study's seed.
public enum Attack: Hashable, Sendable, CustomStringConvertible {
    /// Train on flipped labels (binary: 1 - y; multiclass: classes - 1 - y).
    case labelFlip
    /// Send the negated update, pushing the model away from the site's honest direction.
    case signFlip
    /// Send the update multiplied by `factor` ("boosting").
    case scale(factor: Float)
    /// Send Gaussian noise whose per-coordinate deviation is `multiplier` times the honest
    /// update's root-mean-square value.
    case noise(multiplier: Float)
    /// "A little is enough" (Baruch, Baruch & Goldberg, NeurIPS 2019): colluding sites send
    /// mean - z * std of their honest updates, coordinate-wise, with z from the number of
    /// sites and attackers, which stays inside the spread robust rules accept.
    case alie
    /// Train on a share of rows carrying a trigger pattern relabelled to a target class.
    case backdoor(Backdoor)
    /// The backdoor, then the update scaled to replace the global model (Bagdasaryan et al.).
    case modelReplacement(ModelReplacement)
    /// Local model poisoning against Krum or the trimmed mean / median (Fang et al.).
    case fang(FangAttack)
    /// Min-Max or Min-Sum (Shejwalkar & Houmansadr): AGR-agnostic optimization attacks.
    case minMax(MinMaxAttack)
    /// An attacker that knows the defence in use and shapes its update to pass it.
    case adaptive(AdaptiveAttack)

    public static let names = [
        "label-flip", "sign-flip", "scale", "noise", "alie", "backdoor",
        "model-replacement", "fang-krum", "fang-trim", "min-max", "min-sum", "adaptive"
    ]

    /// The attack for a command-line name, with default parameters.
    public init?(name: String, backdoorTarget: Float = 0) {
        guard let attack = try? Attack.parse(name, backdoorTarget: backdoorTarget) else { return nil }
        self = attack
    }

    /// The attack for `NAME` or `NAME:key=value,key=value` (the parameters each attack
    /// documents); a wrong name or parameter is a thrown `AttackError`, never a trap.
    public static func parse(_ text: String, backdoorTarget: Float = 0) throws(AttackError) -> Attack {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = (parts.first ?? "").lowercased()
        var options = try AttackOptions(parts.count > 1 ? parts[1] : "", attack: name)
        let attack: Attack
        switch name {
        case "label-flip": attack = .labelFlip
        case "sign-flip": attack = .signFlip
        case "scale": attack = .scale(factor: Float(try options.number("factor", default: 10, where: { $0.isFinite && $0 != 0 }, "a finite non-zero number")))
        case "noise": attack = .noise(multiplier: Float(try options.number("multiplier", default: 3, where: { $0.isFinite && $0 > 0 }, "a positive number")))
        case "alie": attack = .alie
        case "backdoor":
            attack = .backdoor(Backdoor(target: backdoorTarget, poisonFraction: try options.fraction("poison", default: 0.5)))
        case "model-replacement":
            attack = .modelReplacement(try ModelReplacement(options: &options, target: backdoorTarget))
        case "fang-krum": attack = .fang(FangAttack(target: .krum))
        case "fang-trim":
            attack = .fang(FangAttack(target: .trimmedMean, stretch: try options.number("b", default: 2, where: { $0 > 1 && $0.isFinite }, "a number above 1")))
        case "min-max", "min-sum":
            attack = .minMax(
                MinMaxAttack(
                    objective: name == "min-max" ? .minMax : .minSum,
                    perturbation: try options.choice("perturbation", default: .std),
                    knowledge: try options.choice("agr", default: .agnostic),
                    initialGamma: Float(try options.number("gamma0", default: 10, where: { $0 > 0 && $0 <= 1e6 }, "a positive number up to 1e6"))))
        case "adaptive":
            attack = .adaptive(AdaptiveAttack(perturbation: try options.choice("perturbation", default: .std)))
        default:
            throw .unknown(name: text, known: names)
        }
        try options.finish()
        return attack
    }

    public var description: String {
        switch self {
        case .labelFlip: "label-flip"
        case .signFlip: "sign-flip"
        case .scale: "scale"
        case .noise: "noise"
        case .alie: "alie"
        case .backdoor: "backdoor"
        case .modelReplacement: "model-replacement"
        case .fang(let fang): fang.target == .krum ? "fang-krum" : "fang-trim"
        case .minMax(let attack): attack.objective == .minMax ? "min-max" : "min-sum"
        case .adaptive: "adaptive"
        }
    }

    /// True for attacks that change the site's training data rather than its update.
    public var poisonsData: Bool {
        switch self {
        case .labelFlip, .backdoor, .modelReplacement: true
        default: false
        }
    }

    /// The trigger this attack plants, for attacks that plant one (its success is measured).
    public var plantedBackdoor: Backdoor? {
        switch self {
        case .backdoor(let backdoor): backdoor
        case .modelReplacement(let replacement): replacement.backdoor
        default: nil
        }
    }

    /// The malicious site's training data under this attack.
    public func poison(_ data: Dataset, seed: UInt64) -> Dataset {
        switch self {
        case .labelFlip:
            let classes = Float(data.task.classCount)
            return Dataset(
                features: data.features, labels: data.labels.map { classes - 1 - $0 },
                exampleShape: data.exampleShape, task: data.task)
        case .backdoor(let backdoor):
            return backdoor.poison(data, seed: seed)
        case .modelReplacement(let replacement):
            return replacement.backdoor.poison(data, seed: seed)
        default:
            return data
        }
    }
}

/// A trigger stamped on inputs plus the label it should force (BadNets, Gu et al. 2017).
/// On images the trigger is a bright 3x3 patch in the bottom-right corner; on tabular rows
/// it sets the last three (standardized) features to an implausible +4.
public struct Backdoor: Hashable, Sendable {
    public var target: Float
    /// Share of the malicious site's training rows that are stamped and relabelled.
    public var poisonFraction: Double

    public init(target: Float, poisonFraction: Double = 0.5) {
        self.target = target
        self.poisonFraction = poisonFraction
    }

    /// Stamps the trigger on the features of one example in place.
    public func stamp(_ row: inout ArraySlice<Float>, shape: Shape) {
        let start = row.startIndex
        if shape.rank == 3 {
            let height = shape.dimensions[1], width = shape.dimensions[2]
            for channel in 0..<shape.dimensions[0] {
                for y in (height - 4)..<(height - 1) {
                    for x in (width - 4)..<(width - 1) { row[start + (channel * height + y) * width + x] = 1 }
                }
            }
        } else {
            for j in max(0, shape.count - 3)..<shape.count { row[start + j] = 4 }
        }
    }

    func poison(_ data: Dataset, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed, stream: 0xBAD)
        let chosen = generator.permutation(data.count).prefix(Int((poisonFraction * Double(data.count)).rounded()))
        var features = data.features
        var labels = data.labels
        let width = data.featureCount
        for row in chosen {
            var slice = features[(row * width)..<((row + 1) * width)]
            stamp(&slice, shape: data.exampleShape)
            features.replaceSubrange((row * width)..<((row + 1) * width), with: slice)
            labels[row] = target
        }
        return Dataset(features: features, labels: labels, exampleShape: data.exampleShape, task: data.task)
    }

    /// Test rows whose true label is not the target, stamped and labelled with the target:
    /// a model's accuracy on this set is the attack's success rate.
    public func successTestSet(from test: Dataset) -> Dataset {
        let rows = test.labels.indices.filter { test.labels[$0] != target }
        let base = test.subset(rows)
        var features = base.features
        let width = base.featureCount
        for row in 0..<base.count {
            var slice = features[(row * width)..<((row + 1) * width)]
            stamp(&slice, shape: base.exampleShape)
            features.replaceSubrange((row * width)..<((row + 1) * width), with: slice)
        }
        return Dataset(
            features: features, labels: [Float](repeating: target, count: base.count),
            exampleShape: base.exampleShape, task: base.task)
    }
}
