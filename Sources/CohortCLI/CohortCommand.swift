import ArgumentParser

/// The `cohort` command line: one subcommand per user task.
public struct CohortCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Federated learning for healthcare: train one model across sites without moving patient data.",
        subcommands: []
    )

    public init() {}
}
