/// Model replacement (Bagdasaryan, Veit, Hua, Estrin & Shmatikov, "How To Backdoor Federated
/// Learning", AISTATS 2020): the attacker trains on backdoored data (the BadNets trigger of
/// `Backdoor`) and scales its update by gamma = n / eta, so that averaging it with the n - 1
/// honest updates replaces the global model by its own backdoored one (eta is the server's
/// learning rate, 1 for FedAvg). With m colluders in a round each scales by n / (m * eta);
/// Cohort's FedAvg weights by sample counts, so the colluders (who pool what they know of the
/// round) scale by 1 / w instead, w their share of the round's samples: n / m when equal.
/// Constrain-and-scale: the paper also keeps the scaled update under the norm bound S it
/// expects a defence to enforce, and close to benign updates. Here `constrain` caps the
/// scaled update's norm at the defence's bound when one is in force (fixed, or its multiple
/// of the round's median honest norm) and otherwise at the largest honest update's norm in
/// the round, so it is never the longest update there.
///
/// The paper attacks once the global model is close to convergence ("the attacker ...
/// replaces the global model in a single round" late in training), because an early
/// replacement is trained over by the honest rounds after it; `from` names the first round
/// (counted from 1) in which the colluders scale. Before it they take part as plain
/// backdoor sites, sending their update unscaled.
public struct ModelReplacement: Hashable, Sendable {
    public var backdoor: Backdoor
    /// gamma; nil: 1 / (the colluders' share of the round's samples), n / m when equal.
    public var gamma: Double?
    public var constrained: Bool
    /// The first round in which the update is scaled (1: every round).
    public var firstRound: Int

    public init(backdoor: Backdoor, gamma: Double? = nil, constrained: Bool = false, firstRound: Int = 1) {
        self.backdoor = backdoor
        self.gamma = gamma
        self.constrained = constrained
        self.firstRound = firstRound
    }

    /// From `model-replacement:poison=0.5,gamma=5,constrain=true,from=55`.
    init(options: inout AttackOptions, target: Float) throws(AttackError) {
        let poison = try options.fraction("poison", default: 0.5)
        let gamma = try options.optionalNumber("gamma", where: { $0 > 0 && $0.isFinite && $0 <= 1e6 }, "a positive number up to 1e6")
        let first = try options.number("from", default: 1, where: { $0 >= 1 && $0 <= 1e6 && $0.rounded() == $0 }, "a round number from 1")
        self.init(
            backdoor: Backdoor(target: target, poisonFraction: poison), gamma: gamma,
            constrained: try options.flag("constrain", default: false), firstRound: Int(first))
    }

    /// The update sent in `round`: the backdoored one scaled by gamma (from `firstRound` on),
    /// capped at `bound` when constrained.
    func craft(_ update: [Float], round: Int, attackerShare: Double, bound: Double?) -> [Float] {
        guard round >= firstRound else { return update }
        let factor = Float(gamma ?? 1 / max(attackerShare, 1e-3))
        let scaled = update.map { $0 * factor }
        guard constrained, let bound else { return scaled }
        return UpdateStatistics.clipped(scaled, to: bound)
    }
}
