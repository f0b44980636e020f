import Federation

/// What makes a finished study a failure although every round ran: none of them was
/// accepted (every site refused by its ledger or policy, or too few answered), so the model
/// is the untrained initial one and must not be reported as a result.
enum StudyVerdict {
    static func requireAcceptedRound(_ outcome: StudyOutcome) throws {
        guard !outcome.rounds.isEmpty, !outcome.rounds.contains(where: \.accepted) else { return }
        var reasons: [String: String] = [:]
        for record in outcome.rounds {
            for failure in record.failures + record.rejections where reasons[failure.site.name] == nil {
                reasons[failure.site.name] = failure.reason
            }
        }
        let problem = outcome.rounds.lazy.flatMap(\.problems).first?.description ?? "too few sites answered in any round"
        let why =
            reasons.isEmpty
            ? problem
            : reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        throw CohortError("no round of the study was accepted, so the model was never trained: \(why)")
    }
}
