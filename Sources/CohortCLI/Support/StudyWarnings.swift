import Studies

/// Settings that run but deserve a word before they do.
enum StudyWarnings {
    /// User-level epsilon above which DP-FedAvg's guarantee is weak enough to say so.
    static let centralEpsilonWarning = 10.0

    static func check(_ study: ResolvedStudy) -> [String] {
        var warnings: [String] = []
        if let privacy = try? PrivacyPlan(study: study, privacyBudget: nil), let epsilon = try? privacy.centralEpsilon(),
            epsilon > centralEpsilonWarning
        {
            warnings.append(
                "central DP noise \(study.centralNoise ?? 0) spends user-level epsilon \(String(format: "%.1f", epsilon)) at delta \(study.delta) over \(study.rounds) rounds, above \(Int(centralEpsilonWarning)): a weak guarantee; raise central_dp_noise or lower rounds"
            )
        }
        if study.reproducibleNoise && (study.localPrivacy != nil || (study.centralNoise ?? 0) > 0) {
            warnings.append("reproducible_noise: DP noise is drawn from the seed, so this run is reproducible and NOT private")
        }
        return warnings
    }
}
