import ArgumentParser

/// `cohort privacy ...`: differential-privacy accounting.
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Differential-privacy accounting: epsilon spent, noise needed.",
        subcommands: []
    )
}
