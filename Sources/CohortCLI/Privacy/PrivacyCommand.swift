import ArgumentParser

/// `cohort privacy ...`: differential-privacy accounting.
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Differential-privacy accounting: epsilon spent, noise needed.",
        discussion: """
            Renyi-DP accounting of the Poisson-sampled Gaussian mechanism (DP-SGD, DP-FedAvg), computed \
            as dp-accounting 0.6.0 does: its default orders, the |binomial| series at fractional orders, \
            and the Balle et al. 2020 conversion to (epsilon, delta).
            """,
        subcommands: [EpsilonCommand.self, NoiseCommand.self, ReportCommand.self]
    )
}
